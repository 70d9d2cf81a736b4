package dev.mirrorpo.tracking;

import dev.mirrorpo.config.Preset;
import dev.mirrorpo.config.SearchConfig;
import dev.mirrorpo.learning.io.Sha256;
import dev.mirrorpo.runfiles.BenchmarkDataset;
import dev.mirrorpo.runfiles.Origin;
import dev.mirrorpo.schemas.BenchmarkResult;
import dev.mirrorpo.transforms.benchmark.BenchmarkCell;
import dev.mirrorpo.transforms.benchmark.DiscoveredObjective;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark's view in MLflow: one run per cell (params, final return, learning curve; MLflow's source tags
 * = the command, commit and preset), named by what it trained, under the experiment "mirrorpo-benchmark-TASK".
 * Logging happens in the driver after a dataset's pipeline has finished, from the Parquet results, so a
 * retried bundle never logs twice, and a rerun of the same benchmark adds nothing. An unreachable server is
 * reported once and the benchmark goes on.
 */
public final class MlflowLog {
  public static final String EXPERIMENT_PREFIX = "mirrorpo-benchmark-";
  /**
   * The tag of a task's table run: the benchmark's directory. Not the cells' tag (mirrorpo.results), so that the
   * cells of a benchmark are found by theirs alone.
   */
  public static final String TABLE_TAG = "mirrorpo.benchmark_table";

  /** The MLflow experiment of a task's benchmark runs. */
  public static String experimentName(String task) {
    return EXPERIMENT_PREFIX + task;
  }

  private final String uri;
  private final PrintWriter progress;
  private MlflowTracking tracking;
  /** The experiments whose page has been printed. */
  private final Set<String> announced = new HashSet<>();

  private MlflowLog(String uri, MlflowTracking tracking, PrintWriter progress) {
    this.uri = uri;
    this.tracking = tracking;
    this.progress = progress;
  }

  public static MlflowLog open(String uri, PrintWriter progress) {
    try {
      return new MlflowLog(uri, MlflowTracking.connect(uri), progress);
    } catch (IllegalStateException e) {
      progress.println("benchmark: not logging to MLflow: " + e.getMessage() + "; the results are in Parquet, and"
          + " rerunning the same command once MLflow is up logs them (nothing is trained again)");
      progress.flush();
      return new MlflowLog(uri, null, progress);
    }
  }

  /** The server's URI if logging works, else null. */
  public String uri() {
    return tracking == null ? null : uri;
  }

  /**
   * Logs the cells' runs that are not there yet; returns how many were logged now.
   *
   * @param discovered the benchmark's discovered objectives, whose files and MPO options their cells' runs record
   */
  public int log(List<BenchmarkResult> rows, BenchmarkDataset dataset, Preset preset,
      List<DiscoveredObjective> discovered, Origin origin, Path out) {
    if (tracking == null) {
      return 0;
    }
    int logged = 0;
    try {
      String experiment = tracking.experiment(experimentName(dataset.task()));
      if (announced.add(experiment)) {
        progress.println("benchmark: MLflow runs " + tracking.experimentPage(experiment));
        progress.flush();
      }
      Map<String, DiscoveredObjective> bySha256 = new HashMap<>();
      discovered.forEach(objective -> bySha256.put(objective.sha256(), objective));
      for (BenchmarkResult row : rows) {
        if (tracking.log(experiment, record(row, dataset, preset, bySha256.get(row.getObjectiveSha256()), origin, out))
            .now()) {
          logged++;
        }
      }
    } catch (RuntimeException e) {
      progress.println("benchmark: MLflow logging stopped (" + e.getMessage() + "); the results are in Parquet, and"
          + " rerunning the same command once MLflow is up logs them (nothing is trained again)");
      progress.flush();
      tracking.close();
      tracking = null;
    }
    return logged;
  }

  /**
   * Logs a task's table (its markdown, CSV and heat map, already written) as the artifacts of one run of its own
   * in the task's experiment, "benchmark TASK table", found again by the benchmark's directory; a file already
   * there is not uploaded again (MLflow artifacts are not overwritten), so a rerun adds nothing.
   */
  public void logTable(String task, List<Path> files, Preset preset, Origin origin, Path out) {
    if (tracking == null) {
      return;
    }
    try {
      String experiment = tracking.experiment(experimentName(task));
      String results = out.toAbsolutePath().normalize().toString();
      Map<String, String> params = new LinkedHashMap<>();
      params.put("config_file", preset.location());
      params.put("command", origin.command());
      params.put("git_commit", origin.gitCommit());
      Map<String, String> tags = new LinkedHashMap<>(MlflowTracking.sourceTags(origin.command(), origin.gitCommit(),
          preset.location()));
      tags.put(TABLE_TAG, results);
      String run = tracking.ensureRun(experiment, Sha256.ofText(results + " table " + task), "benchmark " + task
          + " table", params, tags);
      Set<String> present = tracking.artifacts(run);
      for (Path file : files) {
        if (!present.contains(file.getFileName().toString())) {
          tracking.uploadArtifact(run, file, file.getFileName().toString());
        }
      }
      tracking.finish(run, false);
    } catch (RuntimeException e) {
      progress.println("benchmark: MLflow logging stopped (" + e.getMessage() + "); the table and heat map are in "
          + out + ", and rerunning the same command once MLflow is up logs them (nothing is trained again)");
      progress.flush();
      tracking.close();
      tracking = null;
    }
  }

  private static MlflowTracking.RunRecord record(BenchmarkResult row, BenchmarkDataset dataset,
      Preset preset, DiscoveredObjective discovered, Origin origin, Path out) {
    String cell = BenchmarkCell.key(row);
    Map<String, String> params = new LinkedHashMap<>();
    params.put("algorithm", row.getAlgorithm().toString());
    params.put("dataset", row.getDataset().toString());
    params.put("dataset_quality", dataset.manifest().config().quality());
    params.put("dataset_path", dataset.directory().toAbsolutePath().normalize().toString());
    params.put("dataset_pairs", Long.toString(dataset.manifest().counts().pairs()));
    params.put("grid_point", Integer.toString(row.getGridPoint()));
    row.getHyperParameters().forEach((k, v) -> params.put("hp." + k, Double.toString(v)));
    if (discovered != null) {
      params.put("discovered.file", discovered.file());
      params.put("discovered.sha256", discovered.sha256());
      params.putAll(SearchConfig.mpoParams(discovered.mpo()));
    }
    params.put("seed", Long.toString(row.getSeed()));
    params.putAll(preset.benchmark().training().params());
    params.put("config_file", preset.location());
    params.put("command", origin.command());
    params.put("git_commit", origin.gitCommit());

    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("final_return", row.getMeanReturn());
    metrics.put("final_return_standard_error", row.getStandardError());
    metrics.put("steps", (double) row.getSteps());
    metrics.put("train_seconds", row.getTrainSeconds());
    metrics.put("evaluate_seconds", row.getEvaluateSeconds());
    Map<String, String> tags = new LinkedHashMap<>(MlflowTracking.sourceTags(origin.command(), origin.gitCommit(),
        preset.file().toAbsolutePath().normalize().toString()));
    tags.put("mirrorpo.cell", cell);
    tags.put("mirrorpo.status", row.getStatus().toString());
    tags.put("mirrorpo.message", row.getMessage().toString());
    tags.put("mirrorpo.results", out.toAbsolutePath().normalize().toString());
    String identity = out.toAbsolutePath().normalize() + " " + row.getDatasetSha256() + " " + cell;
    StringBuilder objective = new StringBuilder(row.getAlgorithm());
    row.getHyperParameters().forEach((k, v) -> objective.append(' ').append(k).append('=').append(v));
    String name = MlflowTracking.runName("benchmark", row.getTask().toString(), row.getDataset().toString(),
        objective.toString(), row.getSeed());
    return new MlflowTracking.RunRecord(Sha256.ofText(identity), name, params, metrics,
        Map.of("epoch_loss", List.copyOf(row.getEpochLosses())), tags, !"COMPLETED".equals(row.getStatus().toString()));
  }
}
