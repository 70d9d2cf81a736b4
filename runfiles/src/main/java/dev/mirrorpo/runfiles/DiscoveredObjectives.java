package dev.mirrorpo.runfiles;

import dev.mirrorpo.learning.io.Sha256;
import dev.mirrorpo.transforms.benchmark.DiscoveredObjective;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The discovered objectives of a benchmark ({@code --discovered} or {@code benchmark.discovered}): each
 * best.json read, checked and named as a row of the table. A row is named {@code mpo:} and the search's
 * run directory (RUN_DIR/best.json → mpo:RUN_DIR's name); a file with another name gives its own name
 * without {@code .json} and a {@code .best} before it (NAME.best.json → mpo:NAME), which is how a user
 * names a row.
 */
public final class DiscoveredObjectives {
  static final String LABEL_PREFIX = "mpo:";
  private static final String BEST_SUFFIX = ".best.json";
  private static final String JSON_SUFFIX = ".json";

  private DiscoveredObjectives() {}

  /**
   * Reads the files, in order.
   *
   * @throws IllegalArgumentException naming the file for a bad best.json, or the two files whose rows
   *     would have the same name
   */
  public static List<DiscoveredObjective> load(List<Path> files) {
    Map<String, Path> byLabel = new LinkedHashMap<>();
    List<DiscoveredObjective> objectives = new ArrayList<>();
    for (Path file : files) {
      BestObjective best = BestObjective.read(file);
      String label = label(file);
      Path other = byLabel.putIfAbsent(label, file);
      if (other != null) {
        throw new IllegalArgumentException("discovered objectives " + other + " and " + file + " would both be the"
            + " row " + label + "; copy one to a file named after its row, NAME" + BEST_SUFFIX + " (the row is then "
            + LABEL_PREFIX + "NAME), and give that instead");
      }
      objectives.add(new DiscoveredObjective(label, file.toAbsolutePath().normalize().toString(), Sha256.ofFile(file),
          best.mpo(), best.zeta(), best.checksum(), best.task()));
    }
    return objectives;
  }

  /**
   * Says which objectives are trained here on another task than their search's: a transfer, not a rerun; and
   * which cannot tell, their best.json predating the task it records.
   */
  public static void noteTransfers(List<DiscoveredObjective> objectives, Set<String> tasks, PrintWriter progress) {
    for (DiscoveredObjective objective : objectives) {
      if (objective.searchTask() == null) {
        progress.printf("benchmark: %s does not record the task it was discovered on (its best.json predates that"
            + " field); on %s data it is a transfer if its search ran on another task%n", objective.label(),
            String.join(", ", new TreeSet<>(tasks)));
        continue;
      }
      Set<String> others = new TreeSet<>(tasks);
      others.remove(objective.searchTask());
      if (!others.isEmpty()) {
        progress.printf("benchmark: %s was discovered on %s and is trained here on %s data too: a transfer to another"
            + " task%n", objective.label(), objective.searchTask(), String.join(", ", others));
      }
    }
  }

  static String label(Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    String name = absolute.getFileName().toString();
    if (name.equals(SearchRun.BEST) && absolute.getParent().getFileName() != null) {
      return LABEL_PREFIX + absolute.getParent().getFileName();
    }
    if (name.endsWith(BEST_SUFFIX)) {
      return LABEL_PREFIX + name.substring(0, name.length() - BEST_SUFFIX.length());
    }
    return LABEL_PREFIX + (name.endsWith(JSON_SUFFIX) ? name.substring(0, name.length() - JSON_SUFFIX.length()) : name);
  }
}
