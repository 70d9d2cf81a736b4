package dev.mirrorpo.runfiles;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.mirrorpo.learning.es.EsState;
import dev.mirrorpo.learning.es.OpenAiEs;
import dev.mirrorpo.learning.io.AtomicFiles;
import dev.mirrorpo.learning.io.Directories;
import dev.mirrorpo.learning.io.JsonFiles;
import dev.mirrorpo.schemas.BenchmarkResult;
import dev.mirrorpo.schemas.CandidateFitness;
import dev.mirrorpo.transforms.io.ParquetRows;
import dev.mirrorpo.transforms.io.SealedFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The files of one search (RUN_DIR), which are its source of truth:
 * <ul>
 *   <li>search.json: what was asked (command, resolved config, dataset), written once;</li>
 *   <li>state.json: the ES state, rewritten atomically after each generation — the commit point;</li>
 *   <li>baseline.json: the baseline objective's fitness on the same dataset;</li>
 *   <li>generations/NNNNN/: the candidates' fitness (Parquet, sealed by checksums.json) and summary.json of each
 *       generation;</li>
 *   <li>evaluations/after-NNNNN/: the evaluation of the ES mean after NNNNN generations (Parquet benchmark rows,
 *       sealed by checksums.json), and evaluations.json, the curve they make;</li>
 *   <li>reevaluations/after-NNNNN/: the end's re-evaluation on fresh seeds (sealed rows), and reevaluation.json,
 *       its paired gains;</li>
 *   <li>best.json, best-candidate.json, fitness.png: the best evaluated mean, the best single candidate and the
 *       fitness curve.</li>
 * </ul>
 * A generation directory without its generation in state.json is an interrupted one and is redone; an evaluation
 * directory without its seal likewise (docs/search.md, "Resume"). The files other than state.json grew fields
 * over time and are read as an evolving format ({@link JsonFiles#EVOLVING}).
 */
public final class SearchRun {
  public static final String SEARCH = "search.json";
  public static final String STATE = "state.json";
  public static final String BASELINE = "baseline.json";
  public static final String BEST = "best.json";
  public static final String FITNESS_PLOT = "fitness.png";
  public static final String LANDSCAPE_PLOT = "best-landscape.png";
  public static final String FITNESS_PREFIX = "fitness";
  public static final String BEST_CANDIDATE = "best-candidate.json";
  public static final String EVALUATIONS = "evaluations.json";
  public static final String REEVALUATION = "reevaluation.json";
  public static final String RESULTS_PREFIX = "results";
  private static final String RESULT_ROWS = "evaluation rows";
  private static final String GENERATIONS = "generations";
  private static final String MEAN_EVALUATIONS = "evaluations";
  private static final String REEVALUATIONS = "reevaluations";
  private static final String AFTER = "after-";
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

  /** The evaluation of the ES mean after {@code generations} generations (sealed benchmark rows). */
  public Path evaluationDirectory(int generations) {
    return directory.resolve(MEAN_EVALUATIONS).resolve(AFTER + String.format("%05d", generations));
  }

  /** The re-evaluation at the end of a search of {@code generations} generations (sealed benchmark rows). */
  public Path reevaluationDirectory(int generations) {
    return directory.resolve(REEVALUATIONS).resolve(AFTER + String.format("%05d", generations));
  }

  /** Whether an evaluation's pipeline finished: its rows are sealed. */
  public static boolean sealed(Path evaluation) {
    return Files.exists(evaluation.resolve(SealedFiles.SEAL));
  }

  /** The rows of a finished evaluation, verified against their seal. */
  public static List<BenchmarkResult> results(Path evaluation) {
    List<BenchmarkResult> rows = new ArrayList<>();
    for (Path file : SealedFiles.verified(evaluation, RESULTS_PREFIX, RESULT_ROWS)) {
      rows.addAll(ParquetRows.read(file, BenchmarkResult.class, RESULT_ROWS));
    }
    return rows;
  }

  /** Every finished evaluation of the ES mean, by generation: the curve. */
  public List<MeanEvaluation> meanEvaluations() {
    Path parent = directory.resolve(MEAN_EVALUATIONS);
    if (!Files.isDirectory(parent)) {
      return List.of();
    }
    List<MeanEvaluation> curve = new ArrayList<>();
    try (Stream<Path> listing = Files.list(parent)) {
      for (Path evaluation : listing.filter(SearchRun::sealed).sorted().toList()) {
        curve.add(MeanEvaluation.of(Integer.parseInt(evaluation.getFileName().toString().substring(AFTER.length())),
            results(evaluation)));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot list " + parent + ": " + e.getMessage(), e);
    }
    return curve;
  }

  /** The finished re-evaluation of a search of {@code generations} generations, or null if there is none. */
  public Reevaluation reevaluation(int generations) {
    Path evaluation = reevaluationDirectory(generations);
    return sealed(evaluation) ? Reevaluation.of(generations, results(evaluation)) : null;
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

  /**
   * Generation g's fitness in the ES's candidate order, as {@link OpenAiEs#tell} takes it: a candidate without a
   * row, or whose training failed, is NaN.
   */
  public double[] fitness(int generation, int candidates) {
    double[] fitness = new double[candidates];
    Arrays.fill(fitness, Double.NaN);
    for (CandidateFitness row : fitnessRows(generation)) {
      fitness[OpenAiEs.candidateIndex(row.getPairIndex(), row.getSign())] = row.getFitness();
    }
    return fitness;
  }

  /**
   * The ES states of the finished generations, rebuilt from {@code initial} and each generation's fitness rows
   * (everything else derives from seeds): element g is the state generation g's candidates were drawn from.
   * The states hold only what state.json holds at its generation, so a search can go back to any earlier mean or
   * candidate without having stored it.
   *
   * @throws IllegalArgumentException if the rebuilt state of the last generation is not {@code current}: the
   *     fitness rows or state.json were changed
   */
  public List<EsState> replay(OpenAiEs es, EsState initial, EsState current) {
    List<EsState> states = new ArrayList<>(List.of(initial));
    for (int g = 0; g < current.generation(); g++) {
      states.add(es.tell(states.get(g), fitness(g, es.config().candidates())));
    }
    if (!states.get(current.generation()).equals(current)) {
      throw new IllegalArgumentException(file(STATE) + " does not follow from the fitness rows of " + directory
          + "; the run directory was changed: run the search again in a new --out");
    }
    return states;
  }

  /** Removes what an interrupted generation left. */
  public void clearGeneration(int generation) {
    clear(generationDirectory(generation));
  }

  /** Removes what an interrupted generation or evaluation left. */
  public static void clear(Path interrupted) {
    try {
      Directories.deleteTree(interrupted);
    } catch (IOException e) {
      throw new IllegalStateException("cannot remove the interrupted " + interrupted + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes a file that records who made it (command, commit, time, numerics), from which config (file and ES seed),
   * and then {@code content}'s fields.
   */
  public void writeWithOrigin(Path file, String format, Origin origin, Map<String, Object> content) {
    @SuppressWarnings("unchecked")
    Map<String, String> params = (Map<String, String>) readMap(file(SEARCH)).get("params");
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("format", format);
    fields.putAll(origin.fields());
    fields.put("config_file", params.get("config_file"));
    fields.put("es_seed", params.get("es.seed"));
    fields.putAll(content);
    write(file, fields);
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
