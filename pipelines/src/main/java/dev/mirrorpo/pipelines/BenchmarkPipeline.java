package dev.mirrorpo.pipelines;

import dev.mirrorpo.config.BenchmarkConfig;
import dev.mirrorpo.config.Preset;
import dev.mirrorpo.learning.data.Quality;
import dev.mirrorpo.learning.io.AtomicFiles;
import dev.mirrorpo.learning.io.DirectoryLock;
import dev.mirrorpo.learning.io.Sha256;
import dev.mirrorpo.learning.objectives.Objectives;
import dev.mirrorpo.report.BenchmarkTable;
import dev.mirrorpo.runfiles.BenchmarkDataset;
import dev.mirrorpo.runfiles.BenchmarkSummaryJson;
import dev.mirrorpo.runfiles.DiscoveredObjectives;
import dev.mirrorpo.runfiles.Origin;
import dev.mirrorpo.schemas.BenchmarkResult;
import dev.mirrorpo.tracking.MlflowLog;
import dev.mirrorpo.tracking.MlflowTracking;
import dev.mirrorpo.transforms.benchmark.BenchmarkCell;
import dev.mirrorpo.transforms.benchmark.DiscoveredObjective;
import dev.mirrorpo.transforms.benchmark.TrainAndEvaluateCells;
import dev.mirrorpo.transforms.datasets.DatasetManifest;
import dev.mirrorpo.transforms.io.FileIoLeftovers;
import dev.mirrorpo.transforms.io.ParquetRows;
import dev.mirrorpo.transforms.io.SealedFiles;
import dev.mirrorpo.transforms.io.WriteSingleParquetFile;
import dev.mirrorpo.transforms.training.CellSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The baseline benchmark (the paper's Table 2): for each dataset, one Beam pipeline of cells
 * (algorithm × grid point × seed, and discovered MPO objective × seed) → train offline → evaluate online →
 * OUT/results/DATASET/*.parquet.
 * After each pipeline the driver logs one MLflow run per cell (experiment "mirrorpo-benchmark-TASK");
 * at the end it writes the tables (markdown and CSV) and benchmark.json. A dataset whose results are
 * already in OUT is not trained again, so an interrupted benchmark resumes where it stopped.
 */
public final class BenchmarkPipeline {
  static final String RESULTS = "results";
  static final String RESULTS_PREFIX = "results";
  /** What the results files hold, for messages. */
  private static final String RESULT_ROWS = "benchmark results";
  static final String DATASETS = "datasets";

  private BenchmarkPipeline() {}

  /** What a benchmark reads; everything else comes from the preset's benchmark section. */
  public interface Options extends PipelineOptions {
    @Description("Preset (YAML) with a benchmark section, e.g. configs/quick.yaml")
    String getConfig();

    void setConfig(String value);

    @Description("Comma-separated algorithms (default: the preset's benchmark.algorithms)")
    String getAlgos();

    void setAlgos(String value);

    @Description("Comma-separated dataset directories (default: make the preset's benchmark.qualities under OUT/datasets)")
    String getDatasets();

    void setDatasets(String value);

    @Description("Comma-separated best.json files of MPO searches, each benchmarked as a row of its own"
        + " (default: the preset's benchmark.discovered)")
    String getDiscovered();

    void setDiscovered(String value);

    @Description("Training seeds per grid point (default: the preset's benchmark.seeds)")
    Integer getSeeds();

    void setSeeds(Integer value);

    @Description("Output directory (default: runs/benchmarks/PRESET)")
    String getOut();

    void setOut(String value);

    @Description("MLflow tracking URI (default: MLFLOW_TRACKING_URI, else http://127.0.0.1:5000)")
    String getMlflowUri();

    void setMlflowUri(String value);
  }

  /** Options from Beam arguments, with the runners' defaults. */
  public static Options options(String... beamArgs) {
    return RunnerOptions.parse(Options.class, beamArgs);
  }

  /** What a finished benchmark wrote. */
  public record Summary(Path out, Map<String, BenchmarkTable> tables, List<BenchmarkResult> results,
      String mlflowUri, int runsLogged) {
    /** The MLflow experiments of the cells' runs, one per task. */
    public List<String> mlflowExperiments() {
      return tables.keySet().stream().map(MlflowLog::experimentName).toList();
    }
  }

  /**
   * Runs the benchmark the options describe.
   *
   * @param beamArgs the Beam arguments as given, for the dataset pipelines it may start
   * @throws IllegalArgumentException with one message for bad input
   * @throws IllegalStateException if a pipeline failed (results of finished datasets stay)
   */
  public static Summary run(Options options, String[] beamArgs, Origin origin, PrintWriter progress) {
    if (options.getConfig() == null) {
      throw new IllegalArgumentException("a benchmark needs a preset (--config), e.g. --config configs/quick.yaml");
    }
    if (options.getOut() == null) {
      options.setOut(OutputDirectories.byPreset("benchmarks", Path.of(options.getConfig())).toString());
    }
    try (DirectoryLock lock = OutputDirectories.claim(Path.of(options.getOut()), options, "benchmark")) {
      return runLocked(options, beamArgs, origin, progress);
    }
  }

  private static Summary runLocked(Options options, String[] beamArgs, Origin origin,
      PrintWriter progress) {
    Preset preset = Preset.load(Path.of(options.getConfig()));
    BenchmarkConfig config = preset.benchmark();
    List<String> algorithms = options.getAlgos() != null ? algorithms(options.getAlgos()) : config.algorithms();
    int seeds = options.getSeeds() != null ? options.getSeeds() : config.seeds();
    if (seeds < 1) {
      throw new IllegalArgumentException("--seeds must be at least 1, got " + seeds);
    }
    List<DiscoveredObjective> discovered = DiscoveredObjectives.load(options.getDiscovered() != null
        ? paths(options.getDiscovered()) : config.discovered());
    List<String> tableRows = new ArrayList<>(algorithms);
    discovered.forEach(objective -> tableRows.add(objective.label()));
    Path out = Path.of(options.getOut());

    List<BenchmarkDataset> datasets = options.getDatasets() != null
        ? givenDatasets(options.getDatasets())
        : madeDatasets(preset, out, beamArgs, origin, progress);
    Set<String> tasks = new HashSet<>();
    for (BenchmarkDataset dataset : datasets) {
      preset.requireTask(dataset.task(), "dataset " + dataset.directory());
      tasks.add(dataset.task());
    }
    for (String task : tasks) {
      config.training().requireStartsOn(task, "benchmark.initial_policy");
    }
    DiscoveredObjectives.noteTransfers(discovered, tasks, progress);

    List<BenchmarkResult> results = new ArrayList<>();
    MlflowLog mlflow = MlflowLog.open(MlflowTracking.resolveUri(options.getMlflowUri()), progress);
    int logged = 0;
    for (BenchmarkDataset dataset : datasets) {
      List<BenchmarkCell> cells = cells(config, algorithms, discovered, seeds, dataset);
      CellSettings settings = config.training().cellSettings(dataset.task());
      Path resultsDirectory = out.resolve(RESULTS).resolve(dataset.name());
      List<BenchmarkResult> cellResults = existingResults(resultsDirectory, cells);
      if (cellResults == null) {
        cellResults = trainAndEvaluate(options, dataset, cells, settings, resultsDirectory, progress);
      } else {
        progress.printf("benchmark: %s already has its %d results in %s%n", dataset.name(), cellResults.size(),
            resultsDirectory);
      }
      results.addAll(cellResults);
      logged += mlflow.log(cellResults, dataset, preset, discovered, origin, out);
    }

    Map<String, BenchmarkTable> tables = new LinkedHashMap<>();
    List<String> columns = datasets.stream().map(BenchmarkDataset::name).toList();
    for (String task : tasks.stream().sorted().toList()) {
      BenchmarkTable table = BenchmarkTable.of(task, tableRows, columns, results);
      tables.put(task, table);
      AtomicFiles.writeString(out.resolve("table-" + task + ".md"), table.markdown());
      AtomicFiles.writeString(out.resolve("table-" + task + ".csv"), table.csv());
    }
    AtomicFiles.writeString(out.resolve(BenchmarkSummaryJson.FILE), BenchmarkSummaryJson.of(preset, tableRows,
        discovered, seeds, datasets, origin, options.getRunner().getSimpleName()));
    return new Summary(out, tables, results, mlflow.uri(), logged);
  }

  private static List<String> algorithms(String list) {
    List<String> algorithms = Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    for (String algorithm : algorithms) {
      if (!Objectives.names().contains(algorithm)) {
        throw new IllegalArgumentException("unknown algorithm '" + algorithm + "' in --algos; known: "
            + String.join(", ", Objectives.names()));
      }
    }
    if (algorithms.isEmpty()) {
      throw new IllegalArgumentException("--algos names no algorithm");
    }
    return algorithms;
  }

  private static List<Path> paths(String list) {
    return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(Path::of).toList();
  }

  private static List<BenchmarkDataset> givenDatasets(String list) {
    List<Path> directories = paths(list);
    List<DatasetManifest> manifests = new ArrayList<>();
    for (Path directory : directories) {
      manifests.add(PreferenceDatasets.inspect(directory).manifest());
    }
    // Columns are named by quality, unless two datasets share one (noisy 0.1 and 0.2): then by directory.
    Set<String> qualities = new HashSet<>();
    boolean unique = manifests.stream().allMatch(m -> qualities.add(m.config().quality()));
    List<BenchmarkDataset> datasets = new ArrayList<>();
    for (int i = 0; i < directories.size(); i++) {
      Path directory = directories.get(i);
      String name = unique ? manifests.get(i).config().quality() : directory.toAbsolutePath().normalize()
          .getFileName().toString();
      datasets.add(new BenchmarkDataset(name, directory, manifests.get(i),
          Sha256.ofFile(PreferenceDatasets.manifestFile(directory))));
    }
    return datasets;
  }

  /** The preset's qualities under OUT/datasets/QUALITY, generated unless a finished one is there. */
  private static List<BenchmarkDataset> madeDatasets(Preset preset, Path out, String[] beamArgs, Origin origin,
      PrintWriter progress) {
    List<String> directories = new ArrayList<>();
    for (Quality quality : preset.benchmark().qualities()) {
      Path directory = out.resolve(DATASETS).resolve(quality.label());
      DatasetPipeline.generateUnlessPresent(preset, quality, directory, beamArgs, origin, progress);
      directories.add(directory.toString());
    }
    return givenDatasets(String.join(",", directories));
  }

  /**
   * Every algorithm × grid point × seed (1..seeds) on one dataset, then every discovered objective × seed.
   * A search trains with 64-bit seeds derived from (ES seed, generation), not these small ones, so a
   * discovered objective is retrained here with seeds its search did not use (docs/search.md).
   */
  static List<BenchmarkCell> cells(BenchmarkConfig config, List<String> algorithms,
      List<DiscoveredObjective> discovered, int seeds, BenchmarkDataset dataset) {
    String name = dataset.name();
    String path = dataset.directory().toString();
    String sha256 = dataset.manifestSha256();
    List<BenchmarkCell> cells = new ArrayList<>();
    for (String algorithm : algorithms) {
      List<Map<String, Double>> points = config.points().getOrDefault(algorithm, List.of(Map.of()));
      for (int point = 0; point < points.size(); point++) {
        Objectives.create(algorithm, points.get(point)); // a bad grid value fails here, before any work
        for (long seed = 1; seed <= seeds; seed++) {
          cells.add(BenchmarkCell.known(name, path, sha256, algorithm, point, points.get(point), seed));
        }
      }
    }
    for (DiscoveredObjective objective : discovered) {
      for (long seed = 1; seed <= seeds; seed++) {
        cells.add(BenchmarkCell.discovered(name, path, sha256, objective, seed));
      }
    }
    return cells;
  }

  /**
   * The results already in {@code directory} if they are exactly these cells' (a resumed benchmark), null
   * if there are none.
   */
  private static List<BenchmarkResult> existingResults(Path directory, List<BenchmarkCell> cells) {
    List<Path> files = SealedFiles.verified(directory, RESULTS_PREFIX, RESULT_ROWS);
    if (files.isEmpty()) {
      return null;
    }
    List<BenchmarkResult> rows = new ArrayList<>();
    files.forEach(file -> rows.addAll(ParquetRows.read(file, BenchmarkResult.class, RESULT_ROWS)));
    Set<String> planned = new HashSet<>();
    cells.forEach(cell -> planned.add(cell.datasetSha256() + " " + cell.key()));
    Set<String> found = new HashSet<>();
    rows.forEach(row -> found.add(row.getDatasetSha256() + " " + BenchmarkCell.key(row)));
    if (!planned.equals(found)) {
      throw new IllegalArgumentException(directory + " holds results of another benchmark (other algorithms, grid,"
          + " discovered objectives, seeds or dataset); choose another --out, or delete " + directory
          + " to train again");
    }
    return rows;
  }

  private static List<BenchmarkResult> trainAndEvaluate(Options options, BenchmarkDataset dataset,
      List<BenchmarkCell> cells, CellSettings settings, Path resultsDirectory, PrintWriter progress) {
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply("TrainAndEvaluateCells", TrainAndEvaluateCells.of(cells, settings))
        .apply("WriteBenchmarkResults", WriteSingleParquetFile.<BenchmarkResult>to(resultsDirectory.toString(), RESULTS_PREFIX,
            BenchmarkResult.getClassSchema()));
    progress.printf(Locale.ROOT, "benchmark: %s (%s, %d pairs): %d cells with %s%n", dataset.name(), dataset.task(),
        dataset.manifest().counts().pairs(), cells.size(), options.getRunner().getSimpleName());
    progress.flush();
    long started = System.nanoTime();
    PipelineRuns.runToEnd(pipeline, options, new PipelineRuns.Job("benchmark " + dataset.name(), "cells",
        cells.size(), TrainAndEvaluateCells.class, TrainAndEvaluateCells.CELLS_COUNTER, "benchmark", "dataset "
            + dataset.name() + " has no results; results of finished datasets are in " + resultsDirectory.getParent()),
        progress);
    FileIoLeftovers.removeFrom(resultsDirectory);
    SealedFiles.seal(resultsDirectory, RESULTS_PREFIX);
    List<BenchmarkResult> rows = new ArrayList<>();
    SealedFiles.verified(resultsDirectory, RESULTS_PREFIX, RESULT_ROWS)
        .forEach(file -> rows.addAll(ParquetRows.read(file, BenchmarkResult.class, RESULT_ROWS)));
    progress.printf(Locale.ROOT, "benchmark: %s done, %d cells in %s → %s%n", dataset.name(), rows.size(),
        ProgressDisplay.duration((System.nanoTime() - started) / 1e9), resultsDirectory);
    progress.flush();
    return rows;
  }

}
