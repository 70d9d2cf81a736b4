package dev.mirrorpo.pipelines;

import dev.mirrorpo.learning.es.EsState;
import dev.mirrorpo.learning.io.DirectoryLock;
import dev.mirrorpo.learning.io.Sha256;
import dev.mirrorpo.learning.objectives.LossLandscape;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A search's view in MLflow (docs/design.md §11), rebuilt from its run directory: one run per search (params = the
 * resolved config), each finished generation's metrics with step = generation, and the artifacts (best
 * objective, baseline, fitness curve, the best objective's landscape). {@link #sync} adds only what is
 * missing, so calling it after every generation, after a crash or from `mirrorpo mlflow sync` never logs a
 * generation twice. If the server is unreachable the search goes on and a later sync catches up.
 */
public final class SearchMlflow {
  static final String EXPERIMENT_PREFIX = "mirrorpo-search-";
  /** Always finite, so its logged steps say which generations MLflow has. */
  private static final String MARKER_METRIC = "sigma";
  private static final double LANDSCAPE_FROM = -4;
  private static final double LANDSCAPE_TO = -0.05;
  private static final int LANDSCAPE_STEPS = 41;

  private final String uri;
  private final PrintWriter progress;
  private MlflowTracking tracking;
  private String runId;
  private String experiment;

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
      experiment = EXPERIMENT_PREFIX + params.get("task") + "-" + Path.of(params.get("dataset")).getFileName();
      String experimentId = tracking.experiment(experiment);
      String key = Sha256.ofText(run.directory().toAbsolutePath().normalize() + " " + search.get("created"));
      runId = tracking.ensureRun(experimentId, key, "search " + run.directory().getFileName(), params);
      int finished = Files.exists(run.file(SearchRun.STATE)) ? EsState.read(run.file(SearchRun.STATE)).generation() : 0;
      Set<Long> logged = tracking.loggedSteps(runId, MARKER_METRIC);
      int now = 0;
      for (GenerationSummary summary : run.summaries(finished)) {
        if (!logged.contains((long) summary.generation())) {
          tracking.logMetrics(runId, summary.generation(), summary.metrics());
          now++;
        }
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

  /** Writes the best objective's landscape, syncs, and marks the MLflow run finished. */
  public void finish(SearchRun run) {
    if (Files.exists(run.file(SearchRun.BEST))) {
      BestObjective best = BestObjective.read(run.file(SearchRun.BEST));
      LandscapeImage.write(best.objective(), LossLandscape.evaluate(best.objective(), LANDSCAPE_FROM, LANDSCAPE_TO,
          LANDSCAPE_STEPS, LossLandscape.NOMINAL_LENGTH, LossLandscape.NOMINAL_ACTION_SIZE),
          run.file(SearchRun.LANDSCAPE_PLOT));
    }
    sync(run);
    if (tracking != null && runId != null) {
      tracking.finish(runId, false);
    }
  }

  /**
   * Uploads the artifacts the run lacks. Best objective and fitness curve change every generation, so they
   * go up under a name per generation count (best.json is also uploaded as best-after-N.json): MLflow
   * artifacts are not meant to be overwritten.
   */
  private void uploadArtifacts(SearchRun run, int finished) {
    Set<String> present = tracking.artifacts(runId);
    for (String name : List.of(SearchRun.SEARCH, SearchRun.BASELINE, SearchRun.LANDSCAPE_PLOT)) {
      if (!present.contains(name) && Files.exists(run.file(name))) {
        tracking.uploadArtifact(runId, run.file(name), name);
      }
    }
    if (finished > 0) {
      for (String name : List.of(SearchRun.BEST, SearchRun.FITNESS_PLOT)) {
        String versioned = name.replaceFirst("\\.", String.format("-after-%05d.", finished));
        Path file = run.file(name);
        if (!present.contains(versioned) && Files.exists(file)) {
          tracking.uploadArtifact(runId, file, versioned);
        }
      }
    }
  }


  /**
   * For the sync command: the run directory's search, synced, and its MLflow run marked finished. The sync
   * holds the run directory's lock, so no search is running there: its run is over until a rerun resumes it.
   */
  public static int syncDirectory(Path runDirectory, String uri, PrintWriter progress) {
    SearchRun run = new SearchRun(runDirectory);
    if (!Files.exists(run.file(SearchRun.SEARCH))) {
      if (Files.exists(runDirectory.resolve(BenchmarkPipeline.SUMMARY))) {
        throw new IllegalArgumentException(runDirectory + " holds a benchmark, which logs to MLflow itself: rerun its"
            + " command (in " + runDirectory.resolve(BenchmarkPipeline.SUMMARY) + ") to log what MLflow lacks;"
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
