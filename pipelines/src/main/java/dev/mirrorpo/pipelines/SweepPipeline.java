package dev.mirrorpo.pipelines;

import dev.mirrorpo.config.Preset;
import dev.mirrorpo.config.SweepConfig;
import dev.mirrorpo.learning.data.Quality;
import dev.mirrorpo.learning.es.EsState;
import dev.mirrorpo.learning.io.AtomicFiles;
import dev.mirrorpo.learning.io.DirectoryLock;
import dev.mirrorpo.report.BenchmarkTable;
import dev.mirrorpo.report.HeatMap;
import dev.mirrorpo.report.SweepReport;
import dev.mirrorpo.runfiles.Origin;
import dev.mirrorpo.runfiles.Reevaluation;
import dev.mirrorpo.runfiles.SearchFigures;
import dev.mirrorpo.runfiles.SearchRun;
import dev.mirrorpo.runfiles.SeedReturns;
import dev.mirrorpo.schemas.BenchmarkResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * A sweep (docs/sweeps.md): the matrix of a sweep file, tasks × dataset qualities × seeds × {baseline objectives
 * with their grids, MPO searches}, run with the other pipelines' code: the datasets by {@link DatasetPipeline},
 * each task's cells by {@link BenchmarkPipeline} (one cell, one training and evaluation, is the unit of work and
 * of resume), each search by {@link SearchPipeline} (resumed per generation). A night's results go to
 * OUT/nights/NIGHT; the datasets, made once, to OUT/datasets/TASK/QUALITY. Before it trains anything the sweep
 * says how much of the night is done and how much is left, so a rerun of a finished night trains nothing and
 * says so. At the end it writes the night's summary, which compares every cell with the latest earlier night
 * ({@link SweepReport}).
 */
public final class SweepPipeline {
  static final String NIGHTS = "nights";
  static final String DATASETS = "datasets";
  static final String BENCHMARKS = "benchmarks";
  static final String SEARCHES = "searches";
  static final String SUMMARY_MARKDOWN = "summary.md";
  static final String SUMMARY_CSV = "summary.csv";
  static final String SWEEP_JSON = "sweep.json";
  /**
   * The summary's row of a search: its best evaluated ES mean as the end's re-evaluation on fresh seeds scored it
   * (docs/search.md, "Honest figures"), not the noisy maximum of its candidates, which is optimistic.
   */
  static final String SEARCH_ROW = "mpo-search";

  private SweepPipeline() {}

  /** What a sweep reads; the matrix comes from the sweep file. */
  public interface Options extends PipelineOptions {
    @Description("Sweep file (YAML), e.g. configs/nightly.yaml or configs/sweep-quick.yaml")
    String getConfig();

    void setConfig(String value);

    @Description("Output directory (default: runs/sweeps/SWEEP, SWEEP the sweep file's name)")
    String getOut();

    void setOut(String value);

    @Description("The night this run belongs to, YYYY-MM-DD (default: today's date in UTC); its results go to"
        + " OUT/nights/NIGHT, and a rerun of the same night resumes it")
    String getNight();

    void setNight(String value);

    @Description("If another process is running a sweep in OUT, say so and exit successfully instead of failing"
        + " (for a scheduled start)")
    @Default.Boolean(false)
    boolean isSkipIfRunning();

    void setSkipIfRunning(boolean value);

    @Description("MLflow tracking URI (default: MLFLOW_TRACKING_URI, else http://127.0.0.1:5000)")
    String getMlflowUri();

    void setMlflowUri(String value);
  }

  /** Options from Beam arguments, with the runners' defaults. */
  public static Options options(String... beamArgs) {
    return RunnerOptions.parse(Options.class, beamArgs);
  }

  /**
   * How a sweep ended.
   *
   * @param skipped why nothing ran (another sweep holds OUT, with --skipIfRunning), else null
   * @param night the night's directory
   * @param toTrain how many cells, search generations and search re-evaluations were left when it started (0: none)
   */
  public record Summary(String skipped, Path out, Path night, SweepReport report, int toTrain) {}

  /**
   * Runs the sweep the options describe, holding OUT's lock throughout.
   *
   * @param beamArgs the Beam arguments as given, for the pipelines it starts
   * @throws IllegalArgumentException with one message for bad input, before any training where it can be
   * @throws IllegalStateException if a pipeline failed (the finished cells and generations stay)
   */
  public static Summary run(Options options, String[] beamArgs, Origin origin, PrintWriter progress) {
    if (options.getConfig() == null) {
      throw new IllegalArgumentException("a sweep needs a sweep file (--config), e.g. --config configs/sweep-quick.yaml");
    }
    if (options.getOut() == null) {
      options.setOut(OutputDirectories.byPreset("sweeps", Path.of(options.getConfig())).toString());
    }
    String night = night(options);
    Path out = Path.of(options.getOut());
    DirectoryLock lock;
    try {
      lock = OutputDirectories.claim(out, options, "sweep");
    } catch (DirectoryLock.InUse e) {
      if (!options.isSkipIfRunning()) {
        throw e;
      }
      String skipped = "sweep: another sweep is running: " + e.getMessage().replaceFirst("; wait for it.*$", "")
          + "; this start does nothing";
      progress.println(skipped);
      progress.flush();
      return new Summary(skipped, out, out.resolve(NIGHTS).resolve(night), null, 0);
    }
    try (lock) {
      return runLocked(options, night, beamArgs, origin, progress);
    }
  }

  private static String night(Options options) {
    if (options.getNight() == null) {
      return LocalDate.now(ZoneOffset.UTC).toString();
    }
    try {
      return LocalDate.parse(options.getNight()).toString();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("--night " + options.getNight() + " is not a date YYYY-MM-DD, e.g. --night "
          + LocalDate.now(ZoneOffset.UTC));
    }
  }

  private static Summary runLocked(Options options, String night, String[] beamArgs, Origin origin,
      PrintWriter progress) {
    SweepConfig.Loaded sweep = SweepConfig.load(Path.of(options.getConfig()));
    Path out = Path.of(options.getOut());
    Path nightDirectory = out.resolve(NIGHTS).resolve(night);
    // The parents of the pipelines' output directories, which a cluster submission requires to exist
    // (FlinkSessionCluster.requireWorkerPaths).
    List<Path> parents = new ArrayList<>(List.of(nightDirectory.resolve(BENCHMARKS), nightDirectory.resolve(SEARCHES)));
    sweep.presets().values().forEach(preset -> parents.add(out.resolve(DATASETS).resolve(preset.dataset().task())));
    for (Path parent : parents) {
      try {
        Files.createDirectories(parent);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create " + parent, e);
      }
    }

    Map<String, Map<Quality, Path>> datasets = new LinkedHashMap<>();
    sweep.presets().forEach((task, preset) -> datasets.put(task, datasets(preset, out, sweep.config().qualities(),
        beamArgs, origin, progress)));
    Map<String, BenchmarkPipeline.Options> benchmarks = new LinkedHashMap<>();
    List<BenchmarkPipeline.Plan> plans = new ArrayList<>();
    for (Map.Entry<String, Preset> task : sweep.presets().entrySet()) {
      BenchmarkPipeline.Options benchmark = benchmarkOptions(options, beamArgs, sweep, task.getKey(),
          datasets.get(task.getKey()).values(), nightDirectory);
      benchmarks.put(task.getKey(), benchmark);
      plans.add(BenchmarkPipeline.plan(benchmark, beamArgs, origin, progress));
    }
    List<SearchWork> searches = new ArrayList<>();
    for (SweepConfig.Search search : sweep.config().searches()) {
      Preset preset = sweep.presets().get(search.task());
      searches.add(new SearchWork(search, preset, datasets.get(search.task()).get(search.quality()),
          nightDirectory.resolve(SEARCHES).resolve(search.name()),
          search.generations() != null ? search.generations() : preset.search().generations()));
    }

    int cells = plans.stream().mapToInt(BenchmarkPipeline.Plan::cells).sum();
    int cellsDone = plans.stream().mapToInt(BenchmarkPipeline.Plan::done).sum();
    int generations = searches.stream().mapToInt(SearchWork::generations).sum();
    int generationsDone = searches.stream().mapToInt(SearchWork::finishedGenerations).sum();
    int reevaluated = (int) searches.stream().filter(SearchWork::reevaluated).count();
    int toTrain = cells - cellsDone + generations - generationsDone + searches.size() - reevaluated;
    if (toTrain == 0) {
      progress.printf("sweep: night %s is complete (%d cells, %d search generations, %d re-evaluations); nothing to"
          + " train%n", night, cells, generations, searches.size());
    } else {
      progress.printf("sweep: night %s: %d cells (%d done, %d to train) and %d searches (%d of %d generations done,"
          + " %d of %d re-evaluated) in %s%n", night, cells, cellsDone, cells - cellsDone, searches.size(),
          generationsDone, generations, reevaluated, searches.size(), nightDirectory);
    }
    progress.flush();
    writeSweepFile(nightDirectory, sweep, night, origin);

    List<SweepReport.Cell> rows = new ArrayList<>();
    Map<String, BenchmarkTable> tables = new LinkedHashMap<>();
    for (Map.Entry<String, BenchmarkPipeline.Options> benchmark : benchmarks.entrySet()) {
      BenchmarkPipeline.Summary done = BenchmarkPipeline.run(benchmark.getValue(), beamArgs, origin, progress);
      done.results().forEach(result -> rows.add(cell(result)));
      tables.put(benchmark.getKey(), done.tables().get(benchmark.getKey()));
    }
    Map<String, Map<String, Double>> searchReturns = new LinkedHashMap<>();
    StringBuilder searchTable = new StringBuilder("| search | best evaluated mean, re-evaluated on fresh seeds"
        + " | paired gain over the baseline | best candidate (noisy maximum, optimistic) |\n| --- | ---: | ---: | ---: |\n");
    for (SearchWork search : searches) {
      SearchResult result = search.run(options, beamArgs, origin, progress);
      SweepReport.Cell row = result.row();
      rows.add(row);
      searchReturns.computeIfAbsent(row.task(), t -> new LinkedHashMap<>()).put(row.dataset(), row.meanReturn());
      searchTable.append(result.tableLine(search.search().name()));
    }
    List<String> sections = new ArrayList<>(tables.values().stream().map(BenchmarkTable::markdown).toList());
    if (!searches.isEmpty()) {
      sections.add(searchTable.toString());
    }
    tables.forEach((task, table) -> HeatMap.write(heatMap(table, searchReturns.getOrDefault(task, Map.of())),
        nightDirectory.resolve(BenchmarkPipeline.heatMapFile(task))));
    rows.sort((a, b) -> a.key().compareTo(b.key()));

    Optional<String> previous = previousNight(out.resolve(NIGHTS), night);
    SweepReport report = SweepReport.of(night, rows, previous.orElse(null), previous
        .map(p -> SweepReport.readCsv(out.resolve(NIGHTS).resolve(p).resolve(SUMMARY_CSV))).orElse(List.of()));
    AtomicFiles.writeString(nightDirectory.resolve(SUMMARY_CSV), report.csv());
    AtomicFiles.writeString(nightDirectory.resolve(SUMMARY_MARKDOWN), report.markdown(String.format(Locale.ROOT,
        "Sweep %s, command `%s`, commit %s, numerics %s, made %s.", Path.of(options.getConfig()).toAbsolutePath()
            .normalize(), origin.command(), origin.gitCommit(), origin.numerics(), origin.created()), sections));
    progress.printf("sweep: night %s: %d cells, %s → %s%n", night, rows.size(), previous.isEmpty()
        ? "no earlier night to compare with" : report.flagged().size() + " changed beyond their standard errors since "
            + previous.get(), nightDirectory.resolve(SUMMARY_MARKDOWN));
    progress.flush();
    return new Summary(null, out, nightDirectory, report, toTrain);
  }

  /** The datasets of a task, OUT/datasets/TASK/QUALITY, made unless a finished one is there. */
  private static Map<Quality, Path> datasets(Preset preset, Path out, List<Quality> qualities, String[] beamArgs,
      Origin origin, PrintWriter progress) {
    Map<Quality, Path> directories = new LinkedHashMap<>();
    for (Quality quality : qualities) {
      Path directory = out.resolve(DATASETS).resolve(preset.dataset().task()).resolve(quality.label());
      DatasetPipeline.generateUnlessPresent(preset, quality, directory, beamArgs, origin, progress);
      directories.put(quality, directory);
    }
    return directories;
  }

  /** A task's benchmark: the sweep's datasets, objectives and seeds, everything else from the task's preset. */
  private static BenchmarkPipeline.Options benchmarkOptions(Options options, String[] beamArgs,
      SweepConfig.Loaded sweep, String task, Collection<Path> datasets, Path night) {
    BenchmarkPipeline.Options benchmark = BenchmarkPipeline.options(beamArgs);
    benchmark.setConfig(sweep.presets().get(task).file().toString());
    benchmark.setOut(night.resolve(BENCHMARKS).resolve(task).toString());
    benchmark.setDatasets(datasets.stream().map(Path::toString).collect(Collectors.joining(",")));
    benchmark.setAlgos(String.join(",", sweep.algorithms(task)));
    benchmark.setSeeds(sweep.seeds(task));
    benchmark.setMlflowUri(options.getMlflowUri());
    return benchmark;
  }

  /**
   * One search of the sweep.
   *
   * @param generations the generations it runs to
   */
  private record SearchWork(SweepConfig.Search search, Preset preset, Path dataset, Path out, int generations) {
    /** Generations finished in an earlier run of the night (its state.json, the search's commit point). */
    int finishedGenerations() {
      Path state = out.resolve(SearchRun.STATE);
      return Files.exists(state) ? Math.min(generations, EsState.read(state).generation()) : 0;
    }

    /** Whether the search's end, its re-evaluation on fresh seeds after the last generation, is done and sealed. */
    boolean reevaluated() {
      return SearchRun.sealed(new SearchRun(out).reevaluationDirectory(generations));
    }

    /** Runs (or resumes, or only reads) the search; its re-evaluated best mean as the summary's cell. */
    SearchResult run(Options sweep, String[] beamArgs, Origin origin, PrintWriter progress) {
      SearchPipeline.Options options = SearchPipeline.options(beamArgs);
      options.setConfig(preset.file().toString());
      options.setDataset(dataset.toString());
      options.setOut(out.toString());
      options.setGenerations(generations);
      options.setMlflowUri(sweep.getMlflowUri());
      SearchPipeline.Summary done = SearchPipeline.run(options, beamArgs, origin, progress);
      List<Reevaluation.Entry> mean = done.figures().reevaluation() == null ? List.of()
          : done.figures().reevaluation().of(Reevaluation.Role.MEAN);
      SeedReturns returns = mean.isEmpty() ? null : mean.get(0).returns();
      return new SearchResult(new SweepReport.Cell(search.task(), search.quality().label(), SEARCH_ROW, "",
          done.state().config().seed(), returns == null ? Double.NaN : returns.mean(),
          returns == null ? Double.NaN : returns.standardError()), mean.isEmpty() ? null : mean.get(0).gain(),
          done.figures());
    }
  }

  /**
   * A search's figures in the sweep's summary.
   *
   * @param row its summary row (NaN if every evaluation of its mean diverged)
   * @param gain the re-evaluated mean's paired gain over the baseline, or null
   */
  private record SearchResult(SweepReport.Cell row, SeedReturns.PairedGain gain, SearchFigures figures) {
    String tableLine(String name) {
      String paired = gain == null ? "–" : String.format(Locale.ROOT, "%+.1f ± %.1f over %s (ahead on %d of %d"
          + " seeds)", gain.gain(), gain.standardError(), gain.baseline(), gain.ahead(),
          figures.reevaluation().of(Reevaluation.Role.BASELINE).get(0).returns().seeds().size());
      EsState.Best best = figures.bestCandidate();
      String noisy = best == null ? "every candidate failed" : String.format(Locale.ROOT, "%.1f ± %.1f (of %d)",
          best.fitness(), figures.bestCandidateStandardError(), figures.candidatesScored());
      return String.format(Locale.ROOT, "| %s | %.1f ± %.1f | %s | %s |%n", name, row.meanReturn(),
          row.standardError(), paired, noisy);
    }
  }

  private static SweepReport.Cell cell(BenchmarkResult result) {
    String point = result.getHyperParameters().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    return new SweepReport.Cell(result.getTask().toString(), result.getDataset().toString(),
        result.getAlgorithm().toString(), point, result.getSeed(), result.getMeanReturn(), result.getStandardError());
  }

  /** A task's heat map: its benchmark table, and its searches' re-evaluated best means (by quality) as one more row. */
  private static HeatMap.Grid heatMap(BenchmarkTable table, Map<String, Double> searches) {
    HeatMap.Grid grid = HeatMap.Grid.of(table);
    if (searches.isEmpty()) {
      return grid;
    }
    List<String> rows = new ArrayList<>(grid.rows());
    rows.add(SEARCH_ROW);
    Map<String, Map<String, Double>> values = new LinkedHashMap<>(grid.values());
    values.put(SEARCH_ROW, searches);
    return new HeatMap.Grid(grid.title(), rows, grid.columns(), values);
  }

  /** The latest night before {@code night} that has a summary: the one this night is compared with. */
  static Optional<String> previousNight(Path nights, String night) {
    if (!Files.isDirectory(nights)) {
      return Optional.empty();
    }
    try (Stream<Path> listing = Files.list(nights)) {
      return listing.filter(directory -> Files.exists(directory.resolve(SUMMARY_CSV)))
          .map(directory -> directory.getFileName().toString())
          .filter(name -> name.compareTo(night) < 0)
          .max(String::compareTo);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + nights, e);
    }
  }

  /** sweep.json: what this night runs and who ran it, written before any training. */
  private static void writeSweepFile(Path night, SweepConfig.Loaded sweep, String name, Origin origin) {
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("format", "mirrorpo-sweep");
    file.put("format_version", 1);
    file.putAll(origin.fields());
    file.put("night", name);
    file.put("config_file", sweep.config().file().toAbsolutePath().normalize().toString());
    Map<String, String> presets = new LinkedHashMap<>();
    sweep.presets().forEach((task, preset) -> presets.put(task, preset.location()));
    file.put("presets", presets);
    file.put("qualities", sweep.config().qualities().stream().map(Quality::label).toList());
    Map<String, Object> tasks = new LinkedHashMap<>();
    sweep.presets().keySet().forEach(task -> tasks.put(task, Map.of("seeds", sweep.seeds(task), "algorithms",
        sweep.algorithms(task))));
    file.put("tasks", tasks);
    file.put("searches", sweep.config().searches().stream().map(SweepConfig.Search::name).toList());
    SearchRun.write(night.resolve(SWEEP_JSON), file);
  }
}
