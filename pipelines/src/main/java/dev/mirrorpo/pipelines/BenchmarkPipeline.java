package dev.mirrorpo.pipelines;

import dev.mirrorpo.config.BenchmarkConfig;
import dev.mirrorpo.config.Preset;
import dev.mirrorpo.learning.data.Quality;
import dev.mirrorpo.learning.io.AtomicFiles;
import dev.mirrorpo.learning.io.DirectoryLock;
import dev.mirrorpo.learning.io.Sha256;
import dev.mirrorpo.learning.objectives.Objectives;
import dev.mirrorpo.report.BenchmarkTable;
import dev.mirrorpo.report.HeatMap;
import dev.mirrorpo.runfiles.BenchmarkDataset;
import dev.mirrorpo.runfiles.BenchmarkSummaryJson;
import dev.mirrorpo.runfiles.DiscoveredObjectives;
import dev.mirrorpo.runfiles.Origin;
import dev.mirrorpo.schemas.BenchmarkResult;
import dev.mirrorpo.tracking.MlflowLog;
import dev.mirrorpo.tracking.MlflowTracking;
import dev.mirrorpo.transforms.benchmark.BenchmarkCell;
import dev.mirrorpo.transforms.benchmark.CellResults;
import dev.mirrorpo.transforms.benchmark.DiscoveredObjective;
import dev.mirrorpo.transforms.benchmark.TrainAndEvaluateCells;
import dev.mirrorpo.transforms.datasets.DatasetManifest;
import dev.mirrorpo.transforms.io.ParquetRows;
import dev.mirrorpo.transforms.io.SealedFiles;
import dev.mirrorpo.transforms.training.CellSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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
 * each cell's result sealed in its own file as soon as it is evaluated, OUT/results/DATASET/cells/CELL/.
 * After each pipeline the driver logs one MLflow run per cell (experiment "mirrorpo-benchmark-TASK");
 * at the end it writes the tables (markdown and CSV), their heat maps and benchmark.json. A cell whose result
 * is already in OUT is not trained again, so an interrupted benchmark loses only the cells that were running,
 * and a rerun says how many are done and how many it trains before it starts.
 */
public final class BenchmarkPipeline {
  static final String RESULTS = "results";
  /** The one results file per dataset that benchmarks wrote before results were kept cell by cell (still read). */
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
   * @throws IllegalStateException if a pipeline failed (the results of finished cells stay)
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
    Plan plan = plan(options, beamArgs, origin, progress);
    Path out = Path.of(options.getOut());
    DiscoveredObjectives.noteTransfers(plan.discovered(), plan.tasks(), progress);
    progress.printf("benchmark: %d cells on %d datasets: %d done, %d to train%n", plan.cells(),
        plan.datasets().size(), plan.done(), plan.cells() - plan.done());
    progress.flush();

    List<BenchmarkResult> results = new ArrayList<>();
    MlflowLog mlflow = MlflowLog.open(MlflowTracking.resolveUri(options.getMlflowUri()), progress);
    int logged = 0;
    for (DatasetWork work : plan.datasets()) {
      List<BenchmarkResult> cellResults;
      if (work.missing().isEmpty()) {
        cellResults = work.finishedInCellOrder();
        progress.printf("benchmark: %s already has its %d results in %s%n", work.dataset().name(), cellResults.size(),
            work.results());
      } else {
        cellResults = trainAndEvaluate(options, work, progress);
      }
      results.addAll(cellResults);
      logged += mlflow.log(cellResults, work.dataset(), plan.preset(), plan.discovered(), origin, out);
    }

    Map<String, BenchmarkTable> tables = new LinkedHashMap<>();
    List<BenchmarkDataset> datasets = plan.datasets().stream().map(DatasetWork::dataset).toList();
    List<String> columns = datasets.stream().map(BenchmarkDataset::name).toList();
    for (String task : plan.tasks().stream().sorted().toList()) {
      BenchmarkTable table = BenchmarkTable.of(task, plan.tableRows(), columns, results);
      tables.put(task, table);
      AtomicFiles.writeString(out.resolve("table-" + task + ".md"), table.markdown());
      AtomicFiles.writeString(out.resolve("table-" + task + ".csv"), table.csv());
      HeatMap.write(HeatMap.Grid.of(table), out.resolve(heatMapFile(task)));
      mlflow.logTable(task, List.of(out.resolve("table-" + task + ".md"), out.resolve("table-" + task + ".csv"),
          out.resolve(heatMapFile(task))), plan.preset(), origin, out);
    }
    AtomicFiles.writeString(out.resolve(BenchmarkSummaryJson.FILE), BenchmarkSummaryJson.of(plan.preset(),
        plan.tableRows(), plan.discovered(), plan.seeds(), datasets, origin, options.getRunner().getSimpleName()));
    return new Summary(out, tables, results, mlflow.uri(), logged);
  }

  /** The heat map of a task's table in a benchmark's directory. */
  static String heatMapFile(String task) {
    return "heatmap-" + task + ".png";
  }

  /**
   * What a benchmark will do, known before it trains anything: its datasets (made from the preset if none are
   * given), each with its cells and those already finished.
   */
  record Plan(Preset preset, List<String> tableRows, List<DiscoveredObjective> discovered, int seeds,
      Set<String> tasks, List<DatasetWork> datasets) {
    int cells() {
      return datasets.stream().mapToInt(work -> work.cells().size()).sum();
    }

    int done() {
      return datasets.stream().mapToInt(work -> work.finished().size()).sum();
    }
  }

  /**
   * One dataset's part of a benchmark.
   *
   * @param results the dataset's results directory, OUT/results/DATASET
   * @param finished the results of the cells already finished, by cell key
   */
  record DatasetWork(BenchmarkDataset dataset, List<BenchmarkCell> cells, CellSettings settings, Path results,
      Map<String, BenchmarkResult> finished) {
    List<BenchmarkCell> missing() {
      return cells.stream().filter(cell -> !finished.containsKey(cell.key())).toList();
    }

    List<BenchmarkResult> finishedInCellOrder() {
      return cells.stream().map(cell -> finished.get(cell.key())).toList();
    }
  }

  /**
   * Reads the preset and the results already in OUT, and makes the datasets the benchmark needs; trains nothing.
   *
   * @throws IllegalArgumentException one message for bad input or results of another benchmark in OUT
   */
  static Plan plan(Options options, String[] beamArgs, Origin origin, PrintWriter progress) {
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
    List<DatasetWork> work = new ArrayList<>();
    for (BenchmarkDataset dataset : datasets) {
      List<BenchmarkCell> cells = cells(config, algorithms, discovered, seeds, dataset);
      Path results = out.resolve(RESULTS).resolve(dataset.name());
      work.add(new DatasetWork(dataset, cells, config.training().cellSettings(dataset.task()), results,
          finishedResults(results, cells)));
    }
    return new Plan(preset, tableRows, discovered, seeds, tasks, work);
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
   * The results of the cells already finished in {@code directory}, by cell key: each cell's own sealed file,
   * and the one sealed file per dataset that benchmarks wrote before results were kept cell by cell.
   *
   * @throws IllegalArgumentException if a result is of a cell this benchmark does not have (other algorithms,
   *     grid, discovered objectives, seeds or dataset), or a file is changed, missing or unlisted, by name
   */
  private static Map<String, BenchmarkResult> finishedResults(Path directory, List<BenchmarkCell> cells) {
    Map<String, BenchmarkCell> planned = new HashMap<>();
    cells.forEach(cell -> planned.put(cell.datasetSha256() + " " + cell.key(), cell));
    Map<String, BenchmarkResult> finished = new HashMap<>();
    for (Path file : SealedFiles.verified(directory, RESULTS_PREFIX, RESULT_ROWS)) {
      ParquetRows.read(file, BenchmarkResult.class, RESULT_ROWS)
          .forEach(row -> finished.put(plannedKey(row, planned, directory, file), row));
    }
    CellResults.finished(directory).forEach((file, row) -> finished.put(plannedKey(row, planned, directory, file), row));
    return finished;
  }

  /** The key of the planned cell {@code row} is the result of. */
  private static String plannedKey(BenchmarkResult row, Map<String, BenchmarkCell> planned, Path directory,
      Path file) {
    BenchmarkCell cell = planned.get(row.getDatasetSha256() + " " + BenchmarkCell.key(row));
    if (cell == null || !sameHyperParameters(cell, row)) {
      throw new IllegalArgumentException(directory + " holds results of another benchmark (other algorithms, grid,"
          + " discovered objectives, seeds or dataset: " + file.getFileName() + " is " + BenchmarkCell.key(row)
          + "); choose another --out, or delete " + directory + " to train again");
    }
    return cell.key();
  }

  /** Whether the row was trained at the cell's grid values (the row also lists the objective's defaults). */
  private static boolean sameHyperParameters(BenchmarkCell cell, BenchmarkResult row) {
    return cell.hyperParameters().entrySet().stream()
        .allMatch(value -> value.getValue().equals(row.getHyperParameters().get(value.getKey())));
  }

  /** Trains the dataset's missing cells; each is sealed by its worker as it finishes, and a rerun resumes there. */
  private static List<BenchmarkResult> trainAndEvaluate(Options options, DatasetWork work, PrintWriter progress) {
    BenchmarkDataset dataset = work.dataset();
    List<BenchmarkCell> missing = work.missing();
    Path results = work.results();
    try {
      Files.createDirectories(results);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + results, e);
    }
    Pipeline pipeline = Pipeline.create(options);
    pipeline.apply("TrainAndEvaluateCells", TrainAndEvaluateCells.of(missing, work.settings(), results));
    progress.printf(Locale.ROOT, "benchmark: %s (%s, %d pairs): %d cells with %s%s%n", dataset.name(), dataset.task(),
        dataset.manifest().counts().pairs(), missing.size(), options.getRunner().getSimpleName(),
        work.finished().isEmpty() ? "" : " (" + work.finished().size() + " of its " + work.cells().size()
            + " finished before)");
    progress.flush();
    long started = System.nanoTime();
    PipelineRuns.runToEnd(pipeline, options, new PipelineRuns.Job("benchmark " + dataset.name(), "cells",
        missing.size(), TrainAndEvaluateCells.class, TrainAndEvaluateCells.CELLS_COUNTER, "benchmark", "the cells of "
            + dataset.name() + " that finished are kept in " + results + "; rerun the same command to train only"
            + " the missing ones"),
        progress);
    Map<String, BenchmarkResult> finished = finishedResults(results, work.cells());
    List<BenchmarkCell> stillMissing = work.cells().stream().filter(cell -> !finished.containsKey(cell.key())).toList();
    if (!stillMissing.isEmpty()) {
      throw new IllegalStateException("the benchmark pipeline of " + dataset.name() + " finished without the results of "
          + stillMissing.size() + " cells (" + stillMissing.get(0).key() + ", ...) in " + results + "; rerun the same"
          + " command to train them");
    }
    progress.printf(Locale.ROOT, "benchmark: %s done, %d cells in %s → %s%n", dataset.name(), missing.size(),
        ProgressDisplay.duration((System.nanoTime() - started) / 1e9), results);
    progress.flush();
    return new DatasetWork(dataset, work.cells(), work.settings(), results, finished).finishedInCellOrder();
  }

}
