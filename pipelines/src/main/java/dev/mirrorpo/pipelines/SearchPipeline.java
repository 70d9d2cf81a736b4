package dev.mirrorpo.pipelines;

import dev.mirrorpo.config.Preset;
import dev.mirrorpo.config.SearchConfig;
import dev.mirrorpo.learning.Seeds;
import dev.mirrorpo.learning.es.EsState;
import dev.mirrorpo.learning.es.OpenAiEs;
import dev.mirrorpo.learning.io.DirectoryLock;
import dev.mirrorpo.learning.io.FloatCodec;
import dev.mirrorpo.learning.io.Sha256;
import dev.mirrorpo.learning.mpo.MpoConfig;
import dev.mirrorpo.learning.mpo.MpoLayout;
import dev.mirrorpo.learning.objectives.Objectives;
import dev.mirrorpo.report.FitnessPlot;
import dev.mirrorpo.report.LandscapeImage;
import dev.mirrorpo.runfiles.BestObjective;
import dev.mirrorpo.runfiles.GenerationSummary;
import dev.mirrorpo.runfiles.MeanEvaluation;
import dev.mirrorpo.runfiles.Origin;
import dev.mirrorpo.runfiles.Reevaluation;
import dev.mirrorpo.runfiles.SearchFigures;
import dev.mirrorpo.runfiles.SearchRun;
import dev.mirrorpo.schemas.BenchmarkResult;
import dev.mirrorpo.schemas.CandidateFitness;
import dev.mirrorpo.tracking.MlflowTracking;
import dev.mirrorpo.tracking.SearchMlflow;
import dev.mirrorpo.transforms.benchmark.BenchmarkCell;
import dev.mirrorpo.transforms.benchmark.DiscoveredObjective;
import dev.mirrorpo.transforms.benchmark.TrainAndEvaluateCells;
import dev.mirrorpo.transforms.io.FileIoLeftovers;
import dev.mirrorpo.transforms.io.SealedFiles;
import dev.mirrorpo.transforms.io.WriteSingleParquetFile;
import dev.mirrorpo.transforms.search.TrainAndEvaluateCandidates;
import dev.mirrorpo.transforms.training.CellSettings;
import dev.mirrorpo.transforms.training.TrainAndEvaluate;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The MPO search (docs/design.md §7–§11): OpenAI-ES over the MPO parameters ζ, one Beam pipeline per
 * generation (candidates → Reshuffle → train and evaluate → fitness Parquet). After each pipeline the
 * driver tells the ES the fitness, writes the generation's summary, the best candidate and then the ES
 * state, atomically — the state is the commit point, so a search killed at any moment resumes from its
 * last finished generation and ends where an uninterrupted one would.
 *
 * <p>Every {@code search.evaluate_every} generations and after the last, a pipeline of its own evaluates the ES
 * mean on training seeds and episodes no candidate uses, and at the end one re-evaluates the best evaluated mean,
 * the best candidates and the baseline on fresh seeds (docs/search.md, "Honest figures"). Each is committed by the
 * seal of its rows, after the state it evaluates: a search killed during one finds it unsealed and does it again,
 * once. MLflow is brought up to date from these files after every generation ({@link SearchMlflow}); if it is
 * down, the search goes on.
 */
public final class SearchPipeline {
  /** Seeds the inner training of generation g (shared by its candidates): Seeds.derive(es seed, this, g). */
  private static final long TRAINING_STREAM = 0x7261696EL;
  /** Seeds the evaluations of the ES mean: training seed i is Seeds.derive(es seed, this, i). */
  private static final long MEAN_EVALUATION_STREAM = 0x6D65616EL;
  /** Seeds the end's re-evaluation, likewise: seeds no generation or evaluation of the mean trains with. */
  private static final long REEVALUATION_STREAM = 0x72656576L;
  /** The index, in an evaluation's stream, of the seed of its episodes; its training seeds are 0, 1, .... */
  private static final long EPISODES = -1;

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

    @Description("Evaluate the ES mean every search.evaluate_every generations and re-evaluate the result at the end"
        + " (docs/search.md); false runs the generations only, with no best.json (the reproducibility check)")
    @Default.Boolean(true)
    boolean getEvaluate();

    void setEvaluate(boolean value);
  }

  /** Options from Beam arguments, with the runners' defaults. */
  public static Options options(String... beamArgs) {
    return RunnerOptions.parse(Options.class, beamArgs);
  }

  /**
   * How a search ended.
   *
   * @param figures what it found: the evaluated means and the re-evaluation first, the noisy maximum second
   */
  public record Summary(Path runDirectory, EsState state, SearchRun.Baseline baseline, List<GenerationSummary> generations,
      SearchFigures figures, String mlflowUri, String mlflowExperiment, String mlflowRunId) {}

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
    Search search = new Search(options, run, config, es, settings, dataset, manifestSha, baseline, generations,
        origin, progress);
    // What a search killed during an evaluation, or one written before evaluations existed, still lacks.
    search.settle(state);
    while (state.generation() < generations) {
      state = search.generation(state);
      search.settle(state);
      mlflow.sync(run);
    }
    if (options.getEvaluate()) {
      search.reevaluate(state);
    }
    if (Files.exists(run.file(SearchRun.BEST))) {
      LandscapeImage.writeNominal(BestObjective.read(run.file(SearchRun.BEST)).objective(),
          run.file(SearchRun.LANDSCAPE_PLOT));
    }
    mlflow.finish(run);
    return new Summary(run.directory(), state, baseline, run.summaries(state.generation()),
        SearchFigures.of(run, state), mlflow.uri(), mlflow.experiment(), mlflow.runId());
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
      if (!withoutSpeedSettings(params, recorded).equals(withoutSpeedSettings(recorded, recorded))) {
        List<String> differ = new ArrayList<>();
        withoutSpeedSettings(params, recorded).forEach((k, v) -> {
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
   * batch mates): a search may resume with other values; search.json keeps the first run's. The evaluation keys are
   * compared only where search.json has them: a search recorded before they existed resumes with them as they are.
   */
  private static Map<String, String> withoutSpeedSettings(Map<String, String> params, Map<String, String> recorded) {
    if (params == null) {
      return null;
    }
    Map<String, String> compared = new LinkedHashMap<>(params);
    compared.remove(SearchConfig.CANDIDATES_PER_BATCH);
    SearchConfig.EVALUATION_KEYS.stream().filter(key -> recorded == null || !recorded.containsKey(key))
        .forEach(compared::remove);
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
    Map<String, Double> parameters = baselineParameters(config);
    progress.printf("search: training the baseline %s %s on the same dataset%n", algorithm, parameters);
    progress.flush();
    TrainAndEvaluate.Outcome outcome = TrainAndEvaluate.run(settings, dataset.toString(),
        Objectives.create(algorithm, parameters), trainingSeed(config, 0));
    SearchRun.Baseline baseline = new SearchRun.Baseline(algorithm, outcome.meanReturn(), outcome.standardError(),
        outcome.training().status().name());
    SearchRun.write(file, baseline);
    return baseline;
  }

  /** The baseline's hyper-parameter: MPO's λ (one-step) or β (two-step). */
  private static Map<String, Double> baselineParameters(SearchConfig config) {
    MpoConfig mpo = config.mpo().config();
    return mpo.twoStep() ? Map.of("beta", mpo.beta()) : Map.of("lambda", mpo.lambda());
  }

  static long trainingSeed(SearchConfig config, int generation) {
    return Seeds.derive(config.es().seed(), TRAINING_STREAM, generation);
  }

  /**
   * The seeds of an evaluation outside the generations, from a stream of its own.
   *
   * @param training the training seeds, one policy each
   * @param episodes the seed of the episodes every policy is scored on
   */
  record EvaluationSeeds(List<Long> training, long episodes) {
    static EvaluationSeeds of(SearchConfig config, long stream, int count) {
      List<Long> training = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        training.add(Seeds.derive(config.es().seed(), stream, i));
      }
      return new EvaluationSeeds(training, Seeds.derive(config.es().seed(), stream, EPISODES));
    }
  }

  /** The seeds every evaluation of the ES mean trains and scores with: the same at every generation. */
  static EvaluationSeeds meanEvaluationSeeds(SearchConfig config) {
    return EvaluationSeeds.of(config, MEAN_EVALUATION_STREAM, config.evaluateSeeds());
  }

  /** The fresh seeds of the end's re-evaluation. */
  static EvaluationSeeds reevaluationSeeds(SearchConfig config) {
    return EvaluationSeeds.of(config, REEVALUATION_STREAM, config.reevaluateSeeds());
  }

  /**
   * The generations after which the ES mean is evaluated, up to the state's: every evaluate_every-th, and the last
   * of the search once it has finished the generations asked for.
   */
  static List<Integer> evaluationPoints(SearchConfig config, int finished, int generations) {
    List<Integer> points = new ArrayList<>();
    for (int after = 1; after <= finished; after++) {
      if (after % config.evaluateEvery() == 0 || (after == finished && finished >= generations)) {
        points.add(after);
      }
    }
    return points;
  }

  /**
   * What stays the same from one generation of a search to the next.
   *
   * @param generations the generations asked for, for the progress lines ("generation 2/4")
   */
  private record Search(Options options, SearchRun run, SearchConfig config, OpenAiEs es, CellSettings settings,
      Path dataset, String manifestSha, SearchRun.Baseline baseline, int generations, Origin origin,
      PrintWriter progress) {

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
      EsState next = es.tell(state, run.fitness(g, config.es().config().candidates()));
      double seconds = (System.nanoTime() - started) / 1e9;
      GenerationSummary summary = GenerationSummary.of(g, rows, state.sigma(),
          next.best() == null ? Double.NaN : next.best().fitness(), baseline.fitness(), seconds);
      run.writeSummary(summary);
      if (next.best() != null) {
        EsState.Best best = next.best();
        SearchRun.write(run.file(SearchRun.BEST_CANDIDATE), BestObjective.of(config, best,
            run.candidate(best.generation(), best.pairIndex(), best.sign()).getPolicySha256(),
            settings.evaluationTask()));
      }
      next.write(run.file(SearchRun.STATE));
      progress.printf(Locale.ROOT, "search: generation %d/%d done in %s: fitness mean %.1f, max %.1f, %d failed;"
              + " best so far %.1f (baseline %s %.1f)%n", g + 1, generations, ProgressDisplay.duration(seconds),
          summary.fitnessMean(), summary.fitnessMax(), summary.failed(), summary.bestSoFar(), baseline.algorithm(),
          baseline.fitness());
      progress.flush();
      return next;
    }

    /**
     * The evaluations of the ES mean that are due after the state's generation and not done (a killed run's is
     * unsealed: redone), then what derives from all of them: evaluations.json, best.json and fitness.png.
     */
    void settle(EsState state) {
      if (options.getEvaluate()) {
        List<EsState> states = null;
        for (int after : evaluationPoints(config, state.generation(), generations)) {
          if (!SearchRun.sealed(run.evaluationDirectory(after))) {
            if (after != state.generation() && states == null) {
              states = replay(state);
            }
            evaluateMean(after, (after == state.generation() ? state : states.get(after)).mean());
          }
        }
      }
      List<MeanEvaluation> curve = run.meanEvaluations();
      if (!curve.isEmpty()) {
        run.writeWithOrigin(run.file(SearchRun.EVALUATIONS), "mirrorpo-mean-evaluations", origin,
            Map.of("evaluations", curve));
        writeBest(state, curve);
      }
      if (state.generation() > 0) {
        FitnessPlot.write(run.summaries(state.generation()), curve, baseline, run.file(SearchRun.FITNESS_PLOT));
      }
    }

    /** best.json: the best evaluated mean (the earliest among equals), unless it holds that one already. */
    private void writeBest(EsState state, List<MeanEvaluation> curve) {
      MeanEvaluation best = null;
      for (MeanEvaluation evaluation : curve) {
        if (evaluation.finite() && (best == null || evaluation.mean() > best.mean())) {
          best = evaluation;
        }
      }
      Path file = run.file(SearchRun.BEST);
      if (best == null || Files.exists(file) && BestObjective.read(file).evaluatedMean()
          && BestObjective.read(file).checksum().equals(best.zetaChecksum())) {
        return;
      }
      float[] zeta = best.generations() == state.generation() ? state.mean() : replay(state).get(best.generations())
          .mean();
      SearchRun.write(file, BestObjective.ofMean(config, zeta, best, settings.evaluationTask()));
    }

    /** Every state of the search so far, rebuilt from its fitness rows (checked against {@code state}). */
    private List<EsState> replay(EsState state) {
      return run.replay(es, es.initialize(MpoLayout.initial(config.mpo().config())), state);
    }

    /** Trains the ES mean ζ after {@code after} generations with the mean's seeds and scores it on its episodes. */
    private void evaluateMean(int after, float[] zeta) {
      EvaluationSeeds seeds = meanEvaluationSeeds(config);
      DiscoveredObjective mean = own(Reevaluation.meanLabel(after), zeta);
      List<BenchmarkCell> cells = new ArrayList<>();
      for (long seed : seeds.training()) {
        cells.add(BenchmarkCell.discovered(dataset.getFileName().toString(), dataset.toString(), manifestSha, mean,
            seed));
      }
      trainAndEvaluate("evaluation of the mean after generation " + after, cells,
          settings.withEvaluationSeed(seeds.episodes()), run.evaluationDirectory(after));
    }

    /**
     * The end (once per final generation count): the best evaluated mean, the best reevaluate_top candidates by
     * their noisy fitness and the baseline, each trained with the same fresh seeds and scored on the same fresh
     * episodes; then reevaluation.json, their paired gains, from the rows read back.
     */
    void reevaluate(EsState state) {
      Path directory = run.reevaluationDirectory(state.generation());
      if (!SearchRun.sealed(directory)) {
        EvaluationSeeds seeds = reevaluationSeeds(config);
        // No evaluated mean only if every evaluation of the mean diverged (best.json is then missing, or a best
        // candidate from before evaluated means): the candidates and the baseline are re-evaluated all the same.
        BestObjective best = Files.exists(run.file(SearchRun.BEST)) ? BestObjective.read(run.file(SearchRun.BEST)) : null;
        best = best != null && best.evaluatedMean() ? best : null;
        List<EsState> states = replay(state);
        List<CandidateFitness> top = topCandidates(state.generation());
        String name = dataset.getFileName().toString();
        List<BenchmarkCell> cells = new ArrayList<>();
        for (long seed : seeds.training()) {
          if (best != null) {
            cells.add(BenchmarkCell.discovered(name, dataset.toString(), manifestSha,
                own(Reevaluation.meanLabel(best.generation()), FloatCodec.decode(best.zeta(), best.checksum())), seed));
          }
          for (int rank = 1; rank <= top.size(); rank++) {
            CandidateFitness row = top.get(rank - 1);
            float[] zeta = es.candidate(states.get(row.getGeneration()), row.getPairIndex(), row.getSign()).parameters();
            cells.add(BenchmarkCell.discovered(name, dataset.toString(), manifestSha, own(Reevaluation.candidateLabel(
                rank, row.getGeneration(), row.getPairIndex(), row.getSign()), zeta), seed));
          }
          cells.add(BenchmarkCell.known(name, dataset.toString(), manifestSha, baseline.algorithm(), 0,
              baselineParameters(config), seed));
        }
        trainAndEvaluate("re-evaluation on fresh seeds", cells, settings.withEvaluationSeed(seeds.episodes()),
            directory);
      }
      run.writeWithOrigin(run.file(SearchRun.REEVALUATION), "mirrorpo-reevaluation", origin,
          Map.of("reevaluation", run.reevaluation(state.generation())));
    }

    /** The best candidates of the search by their noisy fitness (the earlier generation and index among equals). */
    private List<CandidateFitness> topCandidates(int finished) {
      List<CandidateFitness> rows = new ArrayList<>();
      for (int g = 0; g < finished; g++) {
        run.fitnessRows(g).stream().filter(row -> Double.isFinite(row.getFitness())).forEach(rows::add);
      }
      return rows.stream().sorted(Comparator.comparingDouble((CandidateFitness row) -> -row.getFitness())
          .thenComparingInt(CandidateFitness::getGeneration)
          .thenComparingInt(row -> OpenAiEs.candidateIndex(row.getPairIndex(), row.getSign())))
          .limit(config.reevaluateTop()).toList();
    }

    /** A ζ of this search as a cell's objective, named by its label and identified by ζ's checksum. */
    private DiscoveredObjective own(String label, float[] zeta) {
      String checksum = FloatCodec.checksum(zeta);
      return new DiscoveredObjective(label, null, checksum, config.mpo().config(), FloatCodec.encode(zeta), checksum,
          settings.evaluationTask());
    }

    /**
     * One pipeline of benchmark cells outside the generations, its rows sealed in {@code directory}. The workers
     * seal each cell as it finishes (directory/cells/), so an evaluation killed halfway trains only the cells it
     * had not finished when it is done again.
     */
    private void trainAndEvaluate(String what, List<BenchmarkCell> cells, CellSettings cellSettings, Path directory) {
      try {
        Files.createDirectories(directory);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create " + directory, e);
      }
      long started = System.nanoTime();
      Pipeline pipeline = Pipeline.create(options);
      pipeline
          .apply("TrainAndEvaluateCells", TrainAndEvaluateCells.of(cells, cellSettings, directory))
          .apply("WriteEvaluationResults", WriteSingleParquetFile.<BenchmarkResult>to(directory.toString(),
              SearchRun.RESULTS_PREFIX, BenchmarkResult.getClassSchema()));
      PipelineRuns.runToEnd(pipeline, options, new PipelineRuns.Job("search " + what, "cells", cells.size(),
          TrainAndEvaluateCells.class, TrainAndEvaluateCells.CELLS_COUNTER, "search", "the " + what + " is not"
              + " finished; rerun the same command to finish it (finished generations and cells stay)"), progress);
      FileIoLeftovers.removeFrom(directory);
      SealedFiles.seal(directory, SearchRun.RESULTS_PREFIX);
      progress.printf(Locale.ROOT, "search: %s done, %d cells in %s%n", what, cells.size(),
          ProgressDisplay.duration((System.nanoTime() - started) / 1e9));
      progress.flush();
    }
  }
}
