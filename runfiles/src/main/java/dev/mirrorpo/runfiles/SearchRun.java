package dev.mirrorpo.runfiles;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.mirrorpo.learning.io.AtomicFiles;
import dev.mirrorpo.learning.io.Directories;
import dev.mirrorpo.learning.io.JsonFiles;
import dev.mirrorpo.schemas.CandidateFitness;
import dev.mirrorpo.transforms.io.ParquetRows;
import dev.mirrorpo.transforms.io.SealedFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The files of one search (RUN_DIR), which are its source of truth:
 * <ul>
 *   <li>search.json: what was asked (command, resolved config, dataset), written once;</li>
 *   <li>state.json: the ES state, rewritten atomically after each generation — the commit point;</li>
 *   <li>baseline.json: the baseline objective's fitness on the same dataset;</li>
 *   <li>generations/NNNNN/: the candidates' fitness (Parquet, sealed by checksums.json) and summary.json of each
 *       generation;</li>
 *   <li>best.json, fitness.png: the best objective so far and the fitness curve.</li>
 * </ul>
 * A generation directory without its generation in state.json is an interrupted one and is redone. The
 * files other than state.json grew fields over time and are read as an evolving format
 * ({@link JsonFiles#EVOLVING}).
 */
public final class SearchRun {
  public static final String SEARCH = "search.json";
  public static final String STATE = "state.json";
  public static final String BASELINE = "baseline.json";
  public static final String BEST = "best.json";
  public static final String FITNESS_PLOT = "fitness.png";
  public static final String LANDSCAPE_PLOT = "best-landscape.png";
  public static final String FITNESS_PREFIX = "fitness";
  private static final String GENERATIONS = "generations";
  private static final String SUMMARY = "summary.json";

  private final Path directory;

  public SearchRun(Path directory) {
    this.directory = directory;
  }

  public Path directory() {
    return directory;
  }

  public Path file(String name) {
    return directory.resolve(name);
  }

  public Path generationDirectory(int generation) {
    return directory.resolve(GENERATIONS).resolve(String.format("%05d", generation));
  }

  /** The baseline's fitness and its standard error. */
  public record Baseline(@JsonProperty("algorithm") String algorithm, @JsonProperty("fitness") double fitness,
      @JsonProperty("standard_error") double standardError, @JsonProperty("status") String status) {}

  /** The summaries of every finished generation, in order. */
  public List<GenerationSummary> summaries(int finishedGenerations) {
    List<GenerationSummary> summaries = new ArrayList<>();
    for (int g = 0; g < finishedGenerations; g++) {
      summaries.add(read(generationDirectory(g).resolve(SUMMARY), GenerationSummary.class));
    }
    return summaries;
  }

  public void writeSummary(GenerationSummary summary) {
    write(generationDirectory(summary.generation()).resolve(SUMMARY), summary);
  }

  /** The fitness rows of a generation whose pipeline finished, in file order. */
  public List<CandidateFitness> fitnessRows(int generation) {
    List<CandidateFitness> rows = new ArrayList<>();
    for (Path file : SealedFiles.verified(generationDirectory(generation), FITNESS_PREFIX, "candidate fitness rows")) {
      rows.addAll(ParquetRows.read(file, CandidateFitness.class, "candidate fitness"));
    }
    return rows;
  }

  /** The fitness row of one candidate of a finished generation. */
  public CandidateFitness candidate(int generation, int pairIndex, int sign) {
    for (CandidateFitness row : fitnessRows(generation)) {
      if (row.getPairIndex() == pairIndex && row.getSign() == sign) {
        return row;
      }
    }
    throw new IllegalArgumentException("generation " + generation + " of " + directory + " has no candidate ("
        + pairIndex + ", " + sign + ")");
  }

  /** Removes what an interrupted generation left. */
  public void clearGeneration(int generation) {
    Path dir = generationDirectory(generation);
    try {
      Directories.deleteTree(dir);
    } catch (IOException e) {
      throw new IllegalStateException("cannot remove the interrupted generation " + dir + ": " + e.getMessage(), e);
    }
  }

  public static void write(Path file, Object value) {
    try {
      AtomicFiles.writeString(file, JsonFiles.MAPPER.writeValueAsString(value) + "\n");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + file.getFileName() + ": " + e.getMessage(), e);
    }
  }

  public static <T> T read(Path file, Class<T> type) {
    try {
      return JsonFiles.EVOLVING.readValue(Files.readString(file), type);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("search file " + file + " is missing; the run directory is damaged");
    } catch (IOException e) {
      throw new IllegalArgumentException("search file " + file + " is unreadable or corrupt (" + e.getMessage()
          .lines().findFirst().orElse("") + ")");
    }
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> readMap(Path file) {
    return read(file, Map.class);
  }
}
