package dev.mirrorpo.runfiles;

import dev.mirrorpo.learning.io.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A discovered objective as `objectives export` and `objectives fit` take it: a search's run directory (its
 * best.json) or a best.json itself, read and checked, with what is known of where it came from.
 *
 * @param file the best.json, as given (relative paths stay relative: an artifact must not name this machine's
 *     directories)
 * @param best its content
 * @param search the search's search.json (command, commit, config, dataset) when the file sits in a run
 *     directory that has one, else null (a best.json copied out, e.g. docs/results/*.best.json)
 */
public record DiscoveredSource(Path file, BestObjective best, Map<String, Object> search) {

  /**
   * Reads RUN_DIR/best.json or the best.json given.
   *
   * @throws IllegalArgumentException naming the path and what to give instead if it is neither
   */
  public static DiscoveredSource read(Path runDirectoryOrFile) {
    Path file = Files.isDirectory(runDirectoryOrFile) ? runDirectoryOrFile.resolve(SearchRun.BEST) : runDirectoryOrFile;
    if (Files.isDirectory(runDirectoryOrFile) && !Files.exists(file)) {
      throw new IllegalArgumentException(runDirectoryOrFile + " has no " + SearchRun.BEST + "; give a search's run"
          + " directory (mirrorpo evolve --out RUN_DIR) after its first generation, or a best.json");
    }
    BestObjective best = BestObjective.read(file);
    Path searchFile = file.toAbsolutePath().resolveSibling(SearchRun.SEARCH);
    Map<String, Object> search = Files.exists(searchFile) ? SearchRun.readMap(searchFile) : null;
    return new DiscoveredSource(file.normalize(), best, search);
  }

  /**
   * Where the objective came from (the file, its digest, its fitness as its search measured it, the search) and
   * who wrote the artifact made from it ({@code made}: command, commit, time, numerics).
   */
  public Map<String, Object> provenance(Origin made) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("source", file.toString());
    fields.put("source_sha256", Sha256.ofFile(file));
    fields.put("search_fitness", best.fitness());
    fields.put("search_generation", best.generation());
    fields.put("task", best.task());
    fields.put("search", search);
    fields.put("made", made.fields());
    return fields;
  }
}
