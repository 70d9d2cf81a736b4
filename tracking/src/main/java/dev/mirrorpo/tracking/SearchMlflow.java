package dev.mirrorpo.tracking;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorpo.learning.es.EsState;
import dev.mirrorpo.learning.es.OpenAiEs;
import dev.mirrorpo.learning.io.DirectoryLock;
import dev.mirrorpo.learning.io.JsonFiles;
import dev.mirrorpo.learning.io.Sha256;
import dev.mirrorpo.runfiles.BenchmarkSummaryJson;
import dev.mirrorpo.runfiles.GenerationSummary;
import dev.mirrorpo.runfiles.MeanEvaluation;
import dev.mirrorpo.runfiles.Reevaluation;
import dev.mirrorpo.runfiles.SearchFigures;
import dev.mirrorpo.runfiles.SearchRun;
import dev.mirrorpo.schemas.CandidateFitness;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A search's view in MLflow (docs/design.md §11), rebuilt from its run directory: one run per search (params = the
 * resolved config; MLflow's source tags = the command, commit and preset), each finished generation's metrics
 * with step = the generation's number 1..N, as every message and file counts them, its candidates as a table,
 * each evaluation of the ES mean and the end's re-evaluation as metrics at the step of the generations they
 * follow, the run's description the summary's figures (the honest ones first, the noisy maximum second), and the
 * artifacts (best objective, best candidate, evaluations, re-evaluation, baseline, fitness curve, the best
 * objective's landscape). {@link #sync}
 * adds only what is missing, so calling it after every generation, after a crash or from `mirrorpo mlflow sync`
 * never logs a generation twice. If the server is unreachable the search goes on and a later sync catches up.
 */
public final class SearchMlflow {
  static final String EXPERIMENT_PREFIX = "mirrorpo-search-";
  /** Names the search's run directory, which the run name leaves out. */
  static final String RUN_DIRECTORY_TAG = "mirrorpo.run_directory";
  /** Always finite, so its logged steps say which generations MLflow has. */
  private static final String MARKER_METRIC = "sigma";
  /** Logged at every evaluation of the mean whose seeds all trained: which evaluations MLflow has. */
  static final String EVALUATED_MEAN_METRIC = "evaluated_mean";
  /** Logged with every re-evaluation: which re-evaluations MLflow has. */
  static final String REEVALUATED_BASELINE_METRIC = "reevaluated_baseline_return";
  /** MLflow's run description, shown at the top of the run's page. */
  static final String DESCRIPTION_TAG = "mlflow.note.content";

  private final String uri;
  private final PrintWriter progress;
  private MlflowTracking tracking;
  private String runId;
  private String experiment;
  private String experimentId;

  private SearchMlflow(String uri, MlflowTracking tracking, PrintWriter progress) {
    this.uri = uri;
    this.tracking = tracking;
    this.progress = progress;
  }

  /** Connects, or reports once that MLflow is unreachable and does nothing afterwards. */
  public static SearchMlflow open(String uri, PrintWriter progress) {
    try {
      return new SearchMlflow(uri, MlflowTracking.connect(uri), progress);
    } catch (IllegalStateException e) {
      progress.println("search: not logging to MLflow: " + e.getMessage() + "; `mirrorpo mlflow sync RUN_DIR`"
          + " fills it in later");
      progress.flush();
      return new SearchMlflow(uri, null, progress);
    }
  }

  /** Connects or fails with one message (for `mirrorpo mlflow sync`). */
  public static SearchMlflow connect(String uri, PrintWriter progress) {
    return new SearchMlflow(uri, MlflowTracking.connect(uri), progress);
  }

  /** The server's URI while logging works, else null. */
  public String uri() {
    return tracking == null ? null : uri;
  }

  /** The experiment of the run, once the run is known. */
  public String experiment() {
    return experiment;
  }

  public String runId() {
    return runId;
  }

  /** Logs whatever the run directory has and MLflow lacks; returns the number of generations logged now. */
  public int sync(SearchRun run) {
    if (tracking == null) {
      return 0;
    }
    try {
      Map<String, Object> search = SearchRun.readMap(run.file(SearchRun.SEARCH));
      @SuppressWarnings("unchecked")
      Map<String, String> params = (Map<String, String>) search.get("params");
      String task = params.get("task");
      String dataset = Path.of(params.get("dataset")).getFileName().toString();
      experiment = EXPERIMENT_PREFIX + task + "-" + dataset;
      experimentId = tracking.experiment(experiment);
      Map<String, String> tags = new LinkedHashMap<>(MlflowTracking.sourceTags((String) search.get("command"),
          (String) search.get("git_commit"), params.get("config_file")));
      tags.put(RUN_DIRECTORY_TAG, run.directory().toAbsolutePath().normalize().toString());
      runId = tracking.ensureRun(experimentId, runKey(run, search), MlflowTracking.runName("search", task, dataset, "",
          Long.parseLong(params.get("es.seed"))), params, tags);
      EsState state = Files.exists(run.file(SearchRun.STATE)) ? EsState.read(run.file(SearchRun.STATE)) : null;
      int finished = state == null ? 0 : state.generation();
      Set<Long> logged = tracking.loggedSteps(runId, MARKER_METRIC);
      // A run logged before steps counted generations from 1 has a step 0: it keeps its numbering, so that a
      // generation it has is never logged again under a second step.
      long firstStep = logged.contains(0L) ? 0 : 1;
      int now = 0;
      for (GenerationSummary summary : run.summaries(finished)) {
        long step = summary.generation() + firstStep;
        if (!logged.contains(step)) {
          tracking.logMetrics(runId, step, summary.metrics());
          now++;
        }
      }
      logEvaluations(run, finished);
      if (state != null) {
        tracking.setTags(runId, Map.of(DESCRIPTION_TAG, description(SearchFigures.of(run, state))));
      }
      uploadArtifacts(run, finished);
      return now;
    } catch (RuntimeException e) {
      progress.println("search: MLflow logging stopped (" + e.getMessage() + "); `mirrorpo mlflow sync "
          + run.directory() + "` fills it in later");
      progress.flush();
      tracking.close();
      tracking = null;
      return 0;
    }
  }

  /**
   * The evaluations of the mean MLflow lacks (evaluated_mean and its standard error at the step of the generations
   * they follow), and the re-evaluation of the finished generations: each entry's return and paired gain.
   */
  private void logEvaluations(SearchRun run, int finished) {
    Set<Long> logged = tracking.loggedSteps(runId, EVALUATED_MEAN_METRIC);
    for (MeanEvaluation evaluation : run.meanEvaluations()) {
      if (!logged.contains((long) evaluation.generations())) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put(EVALUATED_MEAN_METRIC, evaluation.mean());
        metrics.put("evaluated_mean_se", evaluation.standardError());
        tracking.logMetrics(runId, evaluation.generations(), metrics);
      }
    }
    Reevaluation reevaluation = run.reevaluation(finished);
    if (reevaluation != null && !tracking.loggedSteps(runId, REEVALUATED_BASELINE_METRIC).contains((long) finished)) {
      tracking.logMetrics(runId, finished, reevaluationMetrics(reevaluation));
    }
  }

  /**
   * reevaluated_mean_return, _se, _gain and _gain_se for the best evaluated mean, the same with candidate_K for
   * the K-th best candidate, and reevaluated_baseline_return and _se.
   */
  static Map<String, Double> reevaluationMetrics(Reevaluation reevaluation) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    int rank = 0;
    for (Reevaluation.Entry entry : reevaluation.entries()) {
      String name = "reevaluated_" + switch (entry.role()) {
        case MEAN -> "mean";
        case CANDIDATE -> "candidate_" + ++rank;
        case BASELINE -> "baseline";
      };
      metrics.put(name + "_return", entry.returns().mean());
      metrics.put(name + "_return_se", entry.returns().standardError());
      if (entry.gain() != null) {
        metrics.put(name + "_gain", entry.gain().gain());
        metrics.put(name + "_gain_se", entry.gain().standardError());
      }
    }
    return metrics;
  }

  /** The run's description: the summary's lines as a Markdown code block, the honest figures first. */
  static String description(SearchFigures figures) {
    return "```\n" + String.join("\n", figures.lines()) + "\n```\n";
  }

  /** What finds a search's MLflow run again: its run directory and when the search started there. */
  public static String runKey(SearchRun run, Map<String, Object> search) {
    return Sha256.ofText(run.directory().toAbsolutePath().normalize() + " " + search.get("created"));
  }

  /** Syncs and marks the MLflow run finished. */
  public void finish(SearchRun run) {
    sync(run);
    if (tracking != null && runId != null) {
      tracking.finish(runId, false);
      progress.println("search: MLflow run " + tracking.runPage(experimentId, runId));
      progress.flush();
    }
  }

  /**
   * Uploads the artifacts the run lacks: each finished generation's candidates as a table, and the files. Best
   * objective and fitness curve change every generation, so they go up under a name per generation count
   * (best.json is also uploaded as best-after-N.json): MLflow artifacts are not meant to be overwritten.
   */
  private void uploadArtifacts(SearchRun run, int finished) {
    Set<String> present = tracking.artifacts(runId);
    Set<String> tables = new TreeSet<>();
    for (int g = 0; g < finished; g++) {
      String name = candidateTableName(g);
      if (!present.contains(name)) {
        tracking.uploadArtifact(runId, candidateTable(run.fitnessRows(g)), name);
      }
      tables.add(name);
    }
    if (!tables.isEmpty()) {
      tracking.markTables(runId, tables);
    }
    for (String name : List.of(SearchRun.SEARCH, SearchRun.BASELINE, SearchRun.LANDSCAPE_PLOT)) {
      if (!present.contains(name) && Files.exists(run.file(name))) {
        tracking.uploadArtifact(runId, run.file(name), name);
      }
    }
    if (finished > 0) {
      for (String name : List.of(SearchRun.BEST, SearchRun.BEST_CANDIDATE, SearchRun.EVALUATIONS, SearchRun.REEVALUATION,
          SearchRun.FITNESS_PLOT)) {
        String versioned = name.replaceFirst("\\.", String.format("-after-%05d.", finished));
        Path file = run.file(name);
        if (!present.contains(versioned) && Files.exists(file)) {
          tracking.uploadArtifact(runId, file, versioned);
        }
      }
    }
  }

  /** The table of generation g's candidates (0-based g), named by the generation's number 1..N. */
  static String candidateTableName(int generation) {
    return String.format("candidates-%05d.json", generation + 1);
  }

  /**
   * A generation's candidates in MLflow's table format ({"columns": [...], "data": [[...], ...]}), one row per
   * candidate in the ES's order; a failed candidate's fitness is null.
   */
  public static String candidateTable(List<CandidateFitness> rows) {
    ObjectNode table = JsonFiles.MAPPER.createObjectNode();
    ArrayNode columns = table.putArray("columns");
    // What tells candidates apart first, so that the UI's table shows it without scrolling.
    for (String column : List.of("candidate", "fitness", "standard_error", "status", "pair", "sign", "generation",
        "train_seconds", "evaluate_seconds", "steps", "policy_sha256", "message")) {
      columns.add(column);
    }
    ArrayNode data = table.putArray("data");
    rows.stream()
        .sorted(Comparator.comparingInt(row -> OpenAiEs.candidateIndex(row.getPairIndex(), row.getSign())))
        .forEach(row -> data.addArray()
            .add(OpenAiEs.candidateIndex(row.getPairIndex(), row.getSign()))
            .add(finiteOrNull(row.getFitness()))
            .add(finiteOrNull(row.getStandardError()))
            .add(row.getStatus().toString())
            .add(row.getPairIndex())
            .add(row.getSign() > 0 ? "+" : "-")
            .add(row.getGeneration() + 1)
            .add(finiteOrNull(row.getTrainSeconds()))
            .add(finiteOrNull(row.getEvaluateSeconds()))
            .add(row.getSteps())
            .add(row.getPolicySha256() == null ? null : row.getPolicySha256().toString())
            .add(row.getMessage().toString()));
    return table.toString();
  }

  /** JSON has no NaN: a missing value is null. */
  private static Double finiteOrNull(double value) {
    return Double.isFinite(value) ? value : null;
  }

  /**
   * For the sync command: the run directory's search, synced, and its MLflow run marked finished. The sync
   * holds the run directory's lock, so no search is running there: its run is over until a rerun resumes it.
   */
  public static int syncDirectory(Path runDirectory, String uri, PrintWriter progress) {
    SearchRun run = new SearchRun(runDirectory);
    if (!Files.exists(run.file(SearchRun.SEARCH))) {
      if (Files.exists(runDirectory.resolve(BenchmarkSummaryJson.FILE))) {
        throw new IllegalArgumentException(runDirectory + " holds a benchmark, which logs to MLflow itself: rerun its"
            + " command (in " + runDirectory.resolve(BenchmarkSummaryJson.FILE) + ") to log what MLflow lacks;"
            + " nothing is trained again");
      }
      throw new IllegalArgumentException(runDirectory + " holds no search (no " + SearchRun.SEARCH + ")");
    }
    try (DirectoryLock lock = DirectoryLock.acquire(runDirectory, "mlflow sync")) {
      SearchMlflow mlflow = connect(uri, progress);
      int logged = mlflow.sync(run);
      if (mlflow.tracking == null) {
        throw new IllegalStateException("MLflow sync of " + runDirectory + " failed; see the message above");
      }
      mlflow.tracking.finish(mlflow.runId, false);
      return logged;
    }
  }
}
