package dev.mirrorpo.pipelines;

import dev.mirrorpo.config.Preset;
import dev.mirrorpo.config.SearchConfig;
import dev.mirrorpo.learning.Seeds;
import dev.mirrorpo.learning.es.EsState;
import dev.mirrorpo.learning.es.OpenAiEs;
import dev.mirrorpo.learning.io.DirectoryLock;
import dev.mirrorpo.learning.io.Sha256;
import dev.mirrorpo.learning.mpo.MpoConfig;
import dev.mirrorpo.learning.mpo.MpoLayout;
import dev.mirrorpo.learning.objectives.Objectives;
import dev.mirrorpo.report.FitnessPlot;
import dev.mirrorpo.report.LandscapeImage;
import dev.mirrorpo.runfiles.BestObjective;
import dev.mirrorpo.runfiles.GenerationSummary;
import dev.mirrorpo.runfiles.Origin;
import dev.mirrorpo.runfiles.SearchRun;
import dev.mirrorpo.schemas.CandidateFitness;
import dev.mirrorpo.tracking.MlflowTracking;
import dev.mirrorpo.tracking.SearchMlflow;
import dev.mirrorpo.transforms.io.FileIoLeftovers;
import dev.mirrorpo.transforms.io.SealedFiles;
import dev.mirrorpo.transforms.io.WriteSingleParquetFile;
import dev.mirrorpo.transforms.search.TrainAndEvaluateCandidates;
import dev.mirrorpo.transforms.training.CellSettings;
import dev.mirrorpo.transforms.training.TrainAndEvaluate;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The MPO search (docs/design.md §7–§11): OpenAI-ES over the MPO parameters ζ, one Beam pipeline per
 * generation (candidates → Reshuffle → train and evaluate → fitness Parquet). After each pipeline the
 * driver tells the ES the fitness, writes the generation's summary, the best objective and then the ES
 * state, atomically — the state is the commit point, so a search killed at any moment resumes from its
 * last finished generation and ends where an uninterrupted one would. MLflow is brought up to date from
 * these files after every generation ({@link SearchMlflow}); if it is down, the search goes on.
 */
public final class SearchPipeline {
  /** Seeds the inner training of generation g (shared by its candidates): Seeds.derive(es seed, this, g). */
  private static final long TRAINING_STREAM = 0x7261696EL;

  private SearchPipeline() {}

  /** What a search reads; everything else comes from the preset's search section. */
  public interface Options extends PipelineOptions {
    @Description("Preset (YAML) with a search section, e.g. configs/quick.yaml")
    String getConfig();

    void setConfig(String value);

    @Description("Dataset directory (default: make the preset's search.quality under RUN_DIR/dataset)")
    String getDataset();

    void setDataset(String value);

    @Description("Generations (default: the preset's search.generations)")
    Integer getGenerations();

    void setGenerations(Integer value);

    @Description("Candidates a worker trains together (default: the preset's search.candidates_per_batch)")
    Integer getCandidatesPerBatch();

    void setCandidatesPerBatch(Integer value);

    @Description("Run directory (default: runs/searches/PRESET)")
    String getOut();

    void setOut(String value);

    @Description("Run directory of a search to continue (same as --out of that search)")
    String getResume();

    void setResume(String value);

    @Description("MLflow tracking URI (default: MLFLOW_TRACKING_URI, else http://127.0.0.1:5000)")
    String getMlflowUri();

    void setMlflowUri(String value);
  }

  /** Options from Beam arguments, with the runners' defaults. */
  public static Options options(String... beamArgs) {
    return RunnerOptions.parse(Options.class, beamArgs);
  }

  /** How a search ended. */
  public record Summary(Path runDirectory, EsState state, SearchRun.Baseline baseline, List<GenerationSummary> generations,
      String mlflowUri, String mlflowExperiment, String mlflowRunId) {}

  /**
   * Runs the search the options describe, holding its run directory's lock throughout.
   *
   * @throws IllegalArgumentException with one message for bad input, before any training
   * @throws IllegalStateException if a generation's pipeline failed (finished generations stay)
   */
  public static Summary run(Options options, String[] beamArgs, Origin origin, PrintWriter progress) {
    if (options.getConfig() == null) {
      throw new IllegalArgumentException("a search needs a preset (--config), e.g. --config configs/quick.yaml");
    }
    options.setOut(runDirectory(options).toString());
    try (DirectoryLock lock = OutputDirectories.claim(Path.of(options.getOut()), options, "evolve")) {
      return runLocked(options, beamArgs, origin, progress);
    }
  }

  /** --resume (a search's directory), else --out, else runs/searches/PRESET. */
  private static Path runDirectory(Options options) {
    String out = options.getOut();
    String resume = options.getResume();
    if (out != null && resume != null && !Path.of(out).equals(Path.of(resume))) {
      throw new IllegalArgumentException("--out and --resume name different run directories; give one of them");
    }
    if (resume != null && !Files.exists(Path.of(resume).resolve(SearchRun.SEARCH))) {
      throw new IllegalArgumentException("--resume " + resume + " holds no search (no " + SearchRun.SEARCH
          + "); use --out to start one there");
    }
    return resume != null ? Path.of(resume) : out != null ? Path.of(out) : OutputDirectories.byPreset("searches",
        Path.of(options.getConfig()));
  }

  private static Summary runLocked(Options options, String[] beamArgs, Origin origin,
      PrintWriter progress) {
    Preset preset = Preset.load(Path.of(options.getConfig()));
    SearchConfig config = options.getCandidatesPerBatch() == null ? preset.search()
        : preset.search().withCandidatesPerBatch(options.getCandidatesPerBatch());
    int generations = options.getGenerations() != null ? options.getGenerations() : config.generations();
    if (generations < 1) {
      throw new IllegalArgumentException("--generations must be at least 1, got " + generations);
    }
    SearchRun run = new SearchRun(Path.of(options.getOut()));
    Path dataset = options.getDataset() != null ? Path.of(options.getDataset())
        : run.file("dataset");
    if (options.getDataset() == null) {
      DatasetPipeline.generateUnlessPresent(preset, config.quality(), dataset, beamArgs, origin, progress);
    }
    PreferenceDatasets.Inspection inspection = PreferenceDatasets.inspect(dataset);
    String task = inspection.manifest().config().task();
    preset.requireTask(task, "--dataset " + dataset);
    config.training().requireStartsOn(task, "search.initial_policy");
    CellSettings settings = config.training().cellSettings(task);
    String manifestSha = Sha256.ofFile(PreferenceDatasets.manifestFile(dataset));
    startOrCheck(run, preset.location(), config, dataset, manifestSha, task, origin);

    OpenAiEs es = new OpenAiEs(config.es().config());
    EsState state = Files.exists(run.file(SearchRun.STATE)) ? EsState.read(run.file(SearchRun.STATE))
        : es.initialize(MpoLayout.initial(config.mpo().config()));
    SearchRun.Baseline baseline = baseline(run, config, settings, dataset, progress);
    SearchMlflow mlflow = SearchMlflow.open(MlflowTracking.resolveUri(options.getMlflowUri()), progress);
    mlflow.sync(run);
    if (state.generation() >= generations) {
      progress.printf("search: %s has finished %d generations, %s; nothing to train (pass a larger --generations"
              + " to go on)%n", run.directory(), state.generation(),
          state.generation() == generations ? "as asked" : "more than the " + generations + " asked for");
    } else if (state.generation() > 0) {
      progress.printf("search: resuming %s at generation %d of %d%n", run.directory(), state.generation() + 1,
          generations);
    }
    progress.printf(Locale.ROOT, "search: MPO (%s, %d parameters) on %s %s, %d candidates per generation, %s%n",
        config.mpo().config().describe(), state.dimension(), task, dataset, config.es().config().candidates(),
        options.getRunner().getSimpleName());
    progress.flush();
    Search search = new Search(options, run, config, es, settings, dataset, baseline, generations, progress);
    while (state.generation() < generations) {
      state = search.generation(state);
      mlflow.sync(run);
    }
    if (Files.exists(run.file(SearchRun.BEST))) {
      LandscapeImage.writeNominal(BestObjective.read(run.file(SearchRun.BEST)).objective(),
          run.file(SearchRun.LANDSCAPE_PLOT));
    }
    mlflow.finish(run);
    return new Summary(run.directory(), state, baseline, run.summaries(state.generation()), mlflow.uri(),
        mlflow.experiment(), mlflow.runId());
  }

  /** Writes search.json for a new run; for an existing one, refuses another config or dataset. */
  private static void startOrCheck(SearchRun run, String presetLocation, SearchConfig config, Path dataset,
      String manifestSha, String task, Origin origin) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("config_file", presetLocation);
    params.putAll(config.params());
    params.put("dataset", dataset.toAbsolutePath().normalize().toString());
    params.put("dataset_manifest_sha256", manifestSha);
    params.put("task", task);
    Path file = run.file(SearchRun.SEARCH);
    if (Files.exists(file)) {
      @SuppressWarnings("unchecked")
      Map<String, String> recorded = (Map<String, String>) SearchRun.readMap(file).get("params");
      if (!withoutSpeedSettings(params).equals(withoutSpeedSettings(recorded))) {
        List<String> differ = new ArrayList<>();
        params.forEach((k, v) -> {
          if (!v.equals(recorded == null ? null : recorded.get(k))) {
            differ.add(k);
          }
        });
        throw new IllegalArgumentException("run directory " + run.directory() + " holds a search with another config"
            + " or dataset (" + String.join(", ", differ) + "); choose another --out to start a new search");
      }
      return;
    }
    Map<String, Object> search = new LinkedHashMap<>();
    search.put("format", "mirrorpo-search");
    search.put("format_version", 1);
    search.putAll(origin.fields());
    search.put("params", params);
    SearchRun.write(file, search);
  }

  /**
   * Settings that change how fast a search runs, never its results (a candidate trains the same whatever its
   * batch mates): a search may resume with other values; search.json keeps the first run's.
   */
  private static Map<String, String> withoutSpeedSettings(Map<String, String> params) {
    if (params == null) {
      return null;
    }
    Map<String, String> compared = new LinkedHashMap<>(params);
    compared.remove(SearchConfig.CANDIDATES_PER_BATCH);
    return compared;
  }

  /** The fitness of MPO's start point as the known objective (ORPO or DPO), trained like generation 0's candidates. */
  private static SearchRun.Baseline baseline(SearchRun run, SearchConfig config, CellSettings settings, Path dataset,
      PrintWriter progress) {
    Path file = run.file(SearchRun.BASELINE);
    if (Files.exists(file)) {
      return SearchRun.read(file, SearchRun.Baseline.class);
    }
    String algorithm = config.baselineAlgorithm();
    MpoConfig mpo = config.mpo().config();
    Map<String, Double> parameters = mpo.twoStep() ? Map.of("beta", mpo.beta()) : Map.of("lambda", mpo.lambda());
    progress.printf("search: training the baseline %s %s on the same dataset%n", algorithm, parameters);
    progress.flush();
    TrainAndEvaluate.Outcome outcome = TrainAndEvaluate.run(settings, dataset.toString(),
        Objectives.create(algorithm, parameters), trainingSeed(config, 0));
    SearchRun.Baseline baseline = new SearchRun.Baseline(algorithm, outcome.meanReturn(), outcome.standardError(),
        outcome.training().status().name());
    SearchRun.write(file, baseline);
    return baseline;
  }

  static long trainingSeed(SearchConfig config, int generation) {
    return Seeds.derive(config.es().seed(), TRAINING_STREAM, generation);
  }

  /**
   * What stays the same from one generation of a search to the next.
   *
   * @param generations the generations asked for, for the progress lines ("generation 2/4")
   */
  private record Search(Options options, SearchRun run, SearchConfig config, OpenAiEs es, CellSettings settings,
      Path dataset, SearchRun.Baseline baseline, int generations, PrintWriter progress) {

    /** Trains and scores generation {@code state.generation()} as one pipeline; its files, then the next state. */
    EsState generation(EsState state) {
      int g = state.generation();
      run.clearGeneration(g);
      Path directory = run.generationDirectory(g);
      long started = System.nanoTime();
      Pipeline pipeline = Pipeline.create(options);
      pipeline
          .apply("TrainAndEvaluateCandidates", TrainAndEvaluateCandidates.of(state, config.mpo().config(), settings,
              dataset.toString(), trainingSeed(config, g), config.candidatesPerBatch()))
          .apply("WriteCandidateFitness", WriteSingleParquetFile.<CandidateFitness>to(directory.toString(),
              SearchRun.FITNESS_PREFIX, CandidateFitness.getClassSchema()));
      String what = "generation " + (g + 1) + "/" + generations;
      PipelineRuns.runToEnd(pipeline, options, new PipelineRuns.Job("search " + what, "candidates",
          config.es().config().candidates(), TrainAndEvaluateCandidates.class,
          TrainAndEvaluateCandidates.CANDIDATES_COUNTER, "search",
          what + " is not finished; rerun the same command to resume from the last finished generation"),
          progress);
      FileIoLeftovers.removeFrom(directory);
      SealedFiles.seal(directory, SearchRun.FITNESS_PREFIX);

      List<CandidateFitness> rows = run.fitnessRows(g);
      double[] fitness = new double[config.es().config().candidates()];
      Arrays.fill(fitness, Double.NaN);
      for (CandidateFitness row : rows) {
        fitness[OpenAiEs.candidateIndex(row.getPairIndex(), row.getSign())] = row.getFitness();
      }
      EsState next = es.tell(state, fitness);
      double seconds = (System.nanoTime() - started) / 1e9;
      GenerationSummary summary = GenerationSummary.of(g, rows, state.sigma(),
          next.best() == null ? Double.NaN : next.best().fitness(), baseline.fitness(), seconds);
      run.writeSummary(summary);
      if (next.best() != null) {
        EsState.Best best = next.best();
        SearchRun.write(run.file(SearchRun.BEST), BestObjective.of(config, best,
            run.candidate(best.generation(), best.pairIndex(), best.sign()).getPolicySha256(),
            settings.evaluationTask()));
      }
      FitnessPlot.write(run.summaries(g + 1), baseline, run.file(SearchRun.FITNESS_PLOT));
      next.write(run.file(SearchRun.STATE));
      progress.printf(Locale.ROOT, "search: generation %d/%d done in %s: fitness mean %.1f, max %.1f, %d failed;"
              + " best so far %.1f (baseline %s %.1f)%n", g + 1, generations, ProgressDisplay.duration(seconds),
          summary.fitnessMean(), summary.fitnessMax(), summary.failed(), summary.bestSoFar(), baseline.algorithm(),
          baseline.fitness());
      progress.flush();
      return next;
    }
  }
}
