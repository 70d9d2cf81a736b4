package dev.mirrorpo.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorpo.config.Preset;
import dev.mirrorpo.config.SearchConfig;
import dev.mirrorpo.learning.es.EsState;
import dev.mirrorpo.learning.io.Directories;
import dev.mirrorpo.learning.io.DirectoryLock;
import dev.mirrorpo.learning.io.FloatCodec;
import dev.mirrorpo.learning.io.JsonFiles;
import dev.mirrorpo.runfiles.BestObjective;
import dev.mirrorpo.runfiles.GenerationSummary;
import dev.mirrorpo.runfiles.MeanEvaluation;
import dev.mirrorpo.runfiles.Origin;
import dev.mirrorpo.runfiles.Reevaluation;
import dev.mirrorpo.runfiles.SearchRun;
import dev.mirrorpo.schemas.BenchmarkResult;
import dev.mirrorpo.schemas.CandidateFitness;
import dev.mirrorpo.tracking.MlflowServer;
import dev.mirrorpo.tracking.MlflowTracking;
import dev.mirrorpo.tracking.SearchMlflow;
import dev.mirrorpo.transforms.MixedGeneration;
import dev.mirrorpo.transforms.io.SealedFiles;
import dev.mirrorpo.transforms.io.WriteSingleParquetFile;
import dev.mirrorpo.transforms.search.TrainAndEvaluateCandidates;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.Pipeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service.Run;

/**
 * The MPO search end to end on real MuJoCo, PyTorch, Beam, Parquet and a real MLflow server: a tiny
 * dataset, 2 antithetic pairs, 3 generations, the ES mean evaluated after generations 2 and 3 on 2 seeds, and the
 * best 2 candidates re-evaluated at the end. One uninterrupted search is the reference for the others.
 */
class SearchPipelineTest {
  private static final int GENERATIONS = 3;
  @TempDir static Path work;
  private static MlflowServer mlflow;
  private static Path preset;
  private static Path dataset;
  private static SearchPipeline.Summary reference;
  private static String referenceLog;

  @BeforeAll
  static void searchOnce() {
    mlflow = MlflowServer.start(work.resolve("mlflow"));
    TestDatasets.agent(work, "target", "hopper", 1, null);
    TestDatasets.agent(work, "original", "hopper", 2, null);
    preset = TestDatasets.preset(work, "tiny", "hopper", "target.agent.json", "original.agent.json",
        "pairs: 8", "length: 30", "seed: 3", "temperature: 1.0", "rollout_batch: 4", "pairs_per_chunk: 4",
        "search:",
        "  generations: " + GENERATIONS,
        "  pairs: 2",
        "  sigma: 0.05",
        "  trainer: {epochs: 2, sft_epochs: 1}",
        "  evaluation: {episodes: 3, seed: 5, length: 40}",
        "  evaluate_every: 2",
        "  evaluate_seeds: 2",
        "  reevaluate_top: 2",
        "  reevaluate_seeds: 2");
    dataset = work.resolve("dataset");
    DatasetPipeline.Options datasetOptions = DatasetPipeline.options("--runner=DirectRunner");
    datasetOptions.setConfig(preset.toString());
    datasetOptions.setOut(dataset.toString());
    DatasetPipeline.generate(datasetOptions, origin(), new PrintWriter(new StringWriter()));
    StringWriter log = new StringWriter();
    reference = search(work.resolve("reference"), mlflow.uri(), log);
    referenceLog = log.toString();
  }

  @AfterAll
  static void stopMlflow() {
    if (mlflow != null) {
      mlflow.close();
    }
  }

  private static Origin origin() {
    return new Origin("test", "unknown", "now");
  }

  private static SearchPipeline.Summary search(Path out, String mlflowUri, StringWriter log) {
    return search(preset, out, null, mlflowUri, log);
  }

  private static SearchPipeline.Summary search(Path preset, Path out, Integer generations, String mlflowUri,
      StringWriter log) {
    SearchPipeline.Options options = SearchPipeline.options("--runner=DirectRunner", "--targetParallelism=2");
    options.setConfig(preset.toString());
    options.setGenerations(generations);
    options.setDataset(dataset.toString());
    options.setOut(out.toString());
    options.setMlflowUri(mlflowUri);
    return SearchPipeline.run(options, new String[0], origin(), new PrintWriter(log, true));
  }

  @Test
  void everyGenerationIsWrittenAndLoggedToMlflowOnceWithTheArtifacts() throws IOException {
    assertEquals(GENERATIONS, reference.state().generation());
    assertEquals(GENERATIONS, reference.generations().size());
    for (GenerationSummary generation : reference.generations()) {
      assertEquals(4, generation.candidates());
    }
    Path run = reference.runDirectory();
    for (String file : List.of("search.json", "state.json", "baseline.json", "best.json", "fitness.png",
        "best-landscape.png")) {
      assertTrue(Files.exists(run.resolve(file)), file);
    }
    for (int g = 0; g < GENERATIONS; g++) {
      try (var listing = Files.list(run.resolve("generations").resolve(String.format("%05d", g)))) {
        assertEquals(List.of("checksums.json", "fitness-00000-of-00001.parquet", "summary.json"),
            listing.map(path -> path.getFileName().toString()).sorted().toList(),
            "a finished generation holds its files and nothing the runner left");
      }
    }
    assertEquals("mirrorpo-search-hopper-" + dataset.getFileName(), reference.mlflowExperiment());
    try (MlflowTracking tracking = MlflowTracking.connect(mlflow.uri())) {
      String id = reference.mlflowRunId();
      assertEquals(Set.of(1L, 2L, 3L), tracking.loggedSteps(id, "fitness_mean"), "steps are generations 1..N");
      assertEquals(Set.of(1L, 2L, 3L), tracking.loggedSteps(id, "baseline_return"));
      Set<String> artifacts = tracking.artifacts(id);
      assertTrue(artifacts.containsAll(Set.of("search.json", "baseline.json", "best-landscape.png",
          "best-after-00003.json", "fitness-after-00003.png", "candidates-00001.json", "candidates-00003.json")),
          artifacts.toString());
      Run logged = tracking.client().getRun(id);
      assertEquals("search hopper/" + dataset.getFileName() + " seed 3", logged.getInfo().getRunName());
      Map<String, String> tags = new TreeMap<>();
      logged.getData().getTagsList().forEach(tag -> tags.put(tag.getKey(), tag.getValue()));
      assertEquals("test", tags.get("mlflow.source.name"));
      assertEquals("test", tags.get("mirrorpo.command"));
      assertEquals("unknown", tags.get("mlflow.source.git.commit"));
      assertEquals(preset.toAbsolutePath().normalize().toString(), tags.get("mirrorpo.preset"));
      JsonNode tables = new ObjectMapper().readTree(tags.get("mlflow.loggedArtifacts"));
      assertEquals(GENERATIONS, tables.size(), tables.toString());
      assertEquals("candidates-00002.json", tables.get(1).path("path").asText());
      assertEquals("table", tables.get(1).path("type").asText());
      String experimentId = logged.getInfo().getExperimentId();
      assertTrue(tracking.client().getExperiment(experimentId).getTagsList().stream().anyMatch(tag ->
          tag.getKey().equals("mlflow.experimentKind") && tag.getValue().equals("custom_model_development")),
          "the experiment opens as a model-training experiment, not the GenAI view");
      assertTrue(referenceLog.contains("search: MLflow run " + mlflow.uri() + "/#/experiments/" + experimentId
          + "/runs/" + id + "?workflowType=machine_learning"), "the search links its run in the model-training view: "
          + referenceLog);
      assertEquals(Set.of(2L, 3L), tracking.loggedSteps(id, "evaluated_mean"), "the evaluations of the mean");
      assertEquals(Set.of(3L), tracking.loggedSteps(id, "reevaluated_mean_gain"), "the end's re-evaluation");
      assertTrue(artifacts.containsAll(Set.of("evaluations-after-00003.json", "reevaluation-after-00003.json",
          "best-candidate-after-00003.json")), artifacts.toString());
      String description = tags.get("mlflow.note.content");
      assertTrue(description.indexOf("best evaluated mean") < description.indexOf("best candidate (noisy max of 12)"),
          "MLflow shows the honest figures first, the noisy maximum second: " + description);
      assertEquals(0, SearchMlflow.syncDirectory(run, mlflow.uri(), new PrintWriter(new StringWriter())),
          "a sync after the search adds nothing");
      assertEquals(3, tracking.client().getMetricHistory(id, "sigma").size());
    }
  }

  /**
   * The killed run trains one candidate per batch and the resumed one the preset's default (all 4 in one
   * batch), like the uninterrupted reference: the batch size is a speed setting, so it may change on resume
   * and the final state is still the reference's.
   */
  @Test
  void aSearchKilledInTheMiddleOfAGenerationResumesToTheSameState() throws Exception {
    Path out = work.resolve("killed");
    String java = System.getProperty("mirrorpo.java"); // bin/java: the pinned numeric environment
    Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        PipelineProcess.class.getName(), "evolve", "--config=" + preset, "--dataset=" + dataset, "--out=" + out,
        "--mlflowUri=" + mlflow.uri(), "--candidatesPerBatch=1", "--runner=DirectRunner", "--targetParallelism=2")
        .redirectErrorStream(true).redirectOutput(work.resolve("killed.log").toFile()).start();
    // Kill it (SIGKILL) once generation 2 has started: generation 1 is committed, generation 2 is not.
    Path second = out.resolve("generations").resolve("00001");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!Files.exists(second) && process.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(process.isAlive(), "the search ended before it could be killed: " + Files.readString(
        work.resolve("killed.log")));
    process.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
    assertEquals(1, EsState.read(out.resolve("state.json")).generation(), "killed after one finished generation");

    StringWriter log = new StringWriter();
    SearchPipeline.Summary resumed = search(out, mlflow.uri(), log);
    assertTrue(log.toString().contains("resuming"), log.toString());
    assertEquals(reference.state(), resumed.state(), "the resumed search ends where the uninterrupted one did");
    try (MlflowTracking tracking = MlflowTracking.connect(mlflow.uri())) {
      assertEquals(GENERATIONS, tracking.client().getMetricHistory(resumed.mlflowRunId(), "sigma").size(),
          "each generation logged exactly once");
    }
  }

  /**
   * The rows come from the search's own transform, on a generation whose candidate + overflows and whose
   * candidate − trains ({@link MixedGeneration}), and are read back as the driver reads them.
   */
  @Test
  void aCandidateWhoseTrainingDivergesGetsNoFitnessAndIsCountedAsFailedWhileItsBatchMateTrainsOn() throws IOException {
    SearchConfig config = Preset.load(preset).search();
    SearchRun run = new SearchRun(work.resolve("mixed"));
    Path generation = run.generationDirectory(0);
    Pipeline pipeline = Pipeline.create(SearchPipeline.options("--runner=DirectRunner"));
    pipeline
        .apply(TrainAndEvaluateCandidates.of(MixedGeneration.state(config.mpo().config(), 5), config.mpo().config(),
            config.training().cellSettings("hopper"), dataset.toString(), 1, 2))
        .apply(WriteSingleParquetFile.<CandidateFitness>to(generation.toString(), SearchRun.FITNESS_PREFIX,
            CandidateFitness.getClassSchema()));
    pipeline.run().waitUntilFinish();
    SealedFiles.seal(generation, SearchRun.FITNESS_PREFIX);
    List<CandidateFitness> rows = run.fitnessRows(0);

    assertEquals(2, rows.size());
    CandidateFitness trained = rows.stream().filter(row -> row.getSign() == -1).findFirst().orElseThrow();
    assertEquals("COMPLETED", trained.getStatus().toString(), trained.getMessage().toString());
    GenerationSummary summary = GenerationSummary.of(0, rows, MixedGeneration.SIGMA, trained.getFitness(), 10, 1);
    assertEquals(2, summary.candidates());
    assertEquals(1, summary.failed());
    assertEquals(trained.getFitness(), summary.fitnessMean(), "the mean is over the candidates that trained");
    assertEquals(trained.getFitness(), summary.fitnessMax());
    assertEquals(trained.getFitness(), summary.fitnessMin());

    JsonNode table = new ObjectMapper().readTree(SearchMlflow.candidateTable(rows));
    assertEquals("fitness", table.path("columns").get(1).asText());
    assertTrue(table.path("data").get(0).get(1).isNull(), "MLflow's table shows no fitness for the failed candidate +");
    assertEquals(trained.getFitness(), table.path("data").get(1).get(1).asDouble());
    assertEquals("status", table.path("columns").get(3).asText());
    assertEquals("DIVERGED", table.path("data").get(0).get(3).asText());
  }

  @Test
  void withMlflowDownTheSearchFinishesAndASyncFillsMlflowInOnce() throws IOException {
    Path out = work.resolve("offline");
    StringWriter log = new StringWriter();
    SearchPipeline.Summary offline = search(out, "http://127.0.0.1:9", log);
    assertTrue(log.toString().contains("not logging to MLflow"), log.toString());
    assertEquals(reference.state(), offline.state());
    PrintWriter quiet = new PrintWriter(new StringWriter());
    assertEquals(GENERATIONS, SearchMlflow.syncDirectory(out, mlflow.uri(), quiet));
    assertEquals(0, SearchMlflow.syncDirectory(out, mlflow.uri(), quiet), "a second sync adds nothing");
    try (MlflowTracking tracking = MlflowTracking.connect(mlflow.uri())) {
      String experimentId = tracking.experiment(reference.mlflowExperiment());
      List<org.mlflow.api.proto.Service.RunInfo> runs = tracking.client().searchRuns(List.of(experimentId),
          "tags.`mirrorpo.run_directory` = '" + out.toAbsolutePath().normalize() + "'");
      assertEquals(1, runs.size());
      assertEquals(org.mlflow.api.proto.Service.RunStatus.FINISHED, runs.get(0).getStatus(),
          "the synced run is not left RUNNING: no search holds its directory");
    }
  }

  /**
   * A search logged to MLflow before steps counted generations from 1 (its steps 0 and 1 are generations 1 and
   * 2) is resumed or synced without logging those generations again: only generation 3 is added, as step 2.
   */
  @Test
  void aRunLoggedWithStepsFromZeroGetsOnlyItsMissingGenerations() throws IOException {
    Path out = work.resolve("steps-from-zero");
    TestDatasets.copyTree(reference.runDirectory(), out);
    SearchRun run = new SearchRun(out);
    try (MlflowTracking tracking = MlflowTracking.connect(mlflow.uri())) {
      String id = tracking.ensureRun(tracking.experiment(reference.mlflowExperiment()),
          SearchMlflow.runKey(run, SearchRun.readMap(run.file(SearchRun.SEARCH))), "search steps-from-zero", Map.of(),
          Map.of());
      List<GenerationSummary> summaries = run.summaries(2);
      tracking.logMetrics(id, 0, summaries.get(0).metrics());
      tracking.logMetrics(id, 1, summaries.get(1).metrics());

      assertEquals(1, SearchMlflow.syncDirectory(out, mlflow.uri(), new PrintWriter(new StringWriter())));
      assertEquals(Set.of(0L, 1L, 2L), tracking.loggedSteps(id, "sigma"));
      assertEquals(3, tracking.client().getMetricHistory(id, "sigma").size(), "each generation logged once");
    }
  }

  @Test
  void fitnessRowsWithOneBitFlippedOrWithoutTheirSealAreRefusedByName() throws IOException {
    Path out = work.resolve("flipped");
    TestDatasets.copyTree(reference.runDirectory(), out);
    Path generation = out.resolve("generations").resolve("00001");
    Path fitness = generation.resolve("fitness-00000-of-00001.parquet");
    byte[] bytes = Files.readAllBytes(fitness);
    bytes[bytes.length / 2] ^= 1;
    Files.write(fitness, bytes);
    SearchRun run = new SearchRun(out);
    assertEquals(4, run.fitnessRows(0).size(), "an untouched generation reads as before");
    String message = assertThrows(IllegalArgumentException.class, () -> run.fitnessRows(1)).getMessage();
    assertTrue(message.contains(fitness.toString()) && message.contains("SHA-256"), message);
    Files.delete(generation.resolve("checksums.json"));
    message = assertThrows(IllegalArgumentException.class, () -> run.fitnessRows(1)).getMessage();
    assertTrue(message.contains("without checksums.json"), message);
  }

  @Test
  void aFinishedSearchAskedForFewerGenerationsSaysSoAndTrainsNothing() {
    StringWriter log = new StringWriter();
    SearchPipeline.Summary again = search(preset, reference.runDirectory(), 1, "http://127.0.0.1:9", log);
    assertEquals(reference.state(), again.state());
    assertTrue(log.toString().contains("has finished 3 generations, more than the 1 asked for; nothing to train"),
        log.toString());
  }

  @Test
  void aSecondSearchOnARunDirectoryInUseIsRefusedNamingTheFirst() {
    Path out = work.resolve("busy");
    try (DirectoryLock first = DirectoryLock.acquire(out, "evolve")) {
      String message = assertThrows(IllegalArgumentException.class,
          () -> search(out, "http://127.0.0.1:9", new StringWriter())).getMessage();
      assertTrue(message.contains("is in use by process " + ProcessHandle.current().pid() + " (evolve"), message);
    }
  }

  @Test
  void aPresetForAnotherTaskThanTheDatasetsIsRefusedBeforeAnyTraining() throws IOException {
    Path tlaPreset = Files.writeString(work.resolve("tla.yaml"),
        Files.readString(preset).replace("task: hopper", "task: tla"));
    Path out = work.resolve("other-task");
    String message = assertThrows(IllegalArgumentException.class,
        () -> search(tlaPreset, out, null, "http://127.0.0.1:9", new StringWriter())).getMessage();
    assertTrue(message.contains("holds hopper pairs, but the preset " + tlaPreset + " is for tla"), message);
    assertFalse(Files.exists(out.resolve("baseline.json")), "nothing trained");
  }

  private static List<Long> candidateTrainingSeeds(SearchConfig config) {
    List<Long> seeds = new ArrayList<>();
    for (int g = 0; g < GENERATIONS; g++) {
      seeds.add(SearchPipeline.trainingSeed(config, g));
    }
    return seeds;
  }

  private static Set<Long> seeds(List<BenchmarkResult> rows) {
    Set<Long> seeds = new HashSet<>();
    rows.forEach(row -> seeds.add(row.getSeed()));
    return seeds;
  }

  /** Mean over the rows' returns and its standard error, written out here rather than taken from the code. */
  private static double[] meanAndError(List<Double> values) {
    double mean = values.stream().mapToDouble(Double::doubleValue).sum() / values.size();
    double squares = values.stream().mapToDouble(value -> (value - mean) * (value - mean)).sum();
    return new double[] {mean, Math.sqrt(squares / (values.size() - 1)) / Math.sqrt(values.size())};
  }

  @Test
  void theMeanIsEvaluatedAfterEveryKthAndTheLastGenerationOnSeedsNoCandidateUsesAndBestJsonIsTheBestOfThem() {
    SearchConfig config = Preset.load(preset).search();
    SearchRun run = new SearchRun(reference.runDirectory());
    List<MeanEvaluation> curve = run.meanEvaluations();
    assertEquals(List.of(2, 3), curve.stream().map(MeanEvaluation::generations).toList(),
        "after generation 2 (evaluate_every) and after the last, 3");
    assertFalse(Files.exists(run.evaluationDirectory(1)));
    List<Long> candidateSeeds = candidateTrainingSeeds(config);
    for (MeanEvaluation evaluation : curve) {
      List<BenchmarkResult> rows = SearchRun.results(run.evaluationDirectory(evaluation.generations()));
      assertEquals(2, rows.size(), "one training per seed");
      Set<Long> seeds = seeds(rows);
      assertEquals(2, seeds.size());
      assertTrue(seeds.stream().noneMatch(candidateSeeds::contains), "no candidate trains with these seeds");
      assertTrue(seeds.stream().noneMatch(seed -> seed >= 1 && seed <= 1000), "nor a benchmark's");
      for (BenchmarkResult row : rows) {
        assertTrue(row.getEvaluationSeed() != 5, "its episodes are not the candidates' (seed 5)");
        assertEquals("COMPLETED", row.getStatus().toString(), row.getMessage().toString());
      }
      double[] expected = meanAndError(rows.stream().map(BenchmarkResult::getMeanReturn).toList());
      assertEquals(expected[0], evaluation.mean(), 1e-9);
      assertEquals(expected[1], evaluation.standardError(), 1e-9);
    }
    assertEquals(seeds(SearchRun.results(run.evaluationDirectory(2))), seeds(SearchRun.results(run.evaluationDirectory(3))),
        "every point of the curve trains with the same seeds: points differ by their ζ only");
    assertEquals(FloatCodec.checksum(reference.state().mean()), curve.get(1).zetaChecksum(),
        "after the last generation the mean evaluated is the final ES mean");
    assertTrue(!curve.get(0).zetaChecksum().equals(curve.get(1).zetaChecksum()));

    BestObjective best = BestObjective.read(run.file(SearchRun.BEST));
    MeanEvaluation winner = curve.get(0).mean() >= curve.get(1).mean() ? curve.get(0) : curve.get(1);
    assertTrue(best.evaluatedMean());
    assertEquals(winner.mean(), best.fitness());
    assertEquals(winner.standardError(), best.standardError());
    assertEquals(winner.generations(), best.generation());
    assertEquals(winner.zetaChecksum(), best.checksum(), "best.json holds the ζ its evaluation trained");
    BestObjective candidate = BestObjective.read(run.file(SearchRun.BEST_CANDIDATE));
    assertEquals(reference.state().best().fitness(), candidate.fitness(), "best-candidate.json: the noisy maximum");
  }

  @Test
  void theReevaluationsPairedGainsAreTheMeanDifferencesOfTheRowsReadBackOnFreshSeeds() {
    SearchConfig config = Preset.load(preset).search();
    SearchRun run = new SearchRun(reference.runDirectory());
    List<BenchmarkResult> rows = SearchRun.results(run.reevaluationDirectory(GENERATIONS));
    assertEquals(4 * 2, rows.size(), "the best evaluated mean, 2 candidates and the baseline on 2 seeds");
    Set<Long> seeds = seeds(rows);
    assertEquals(2, seeds.size());
    assertTrue(seeds.stream().noneMatch(candidateTrainingSeeds(config)::contains), "fresh: no candidate's seed");
    assertTrue(seeds.stream().noneMatch(seeds(SearchRun.results(run.evaluationDirectory(2)))::contains),
        "fresh: not the evaluated mean's seeds either, which best.json was selected on");
    long episodes = rows.get(0).getEvaluationSeed();
    assertTrue(rows.stream().allMatch(row -> row.getEvaluationSeed() == episodes), "every objective on the same episodes");
    assertTrue(episodes != 5 && episodes != SearchRun.results(run.evaluationDirectory(2)).get(0).getEvaluationSeed());

    Map<String, Map<Long, Double>> returns = new TreeMap<>();
    rows.forEach(row -> returns.computeIfAbsent(row.getAlgorithm().toString(), key -> new TreeMap<>())
        .put(row.getSeed(), row.getMeanReturn()));
    Map<Long, Double> orpo = returns.get("orpo");
    assertEquals(seeds, orpo.keySet());
    BestObjective best = BestObjective.read(run.file(SearchRun.BEST));
    assertTrue(returns.containsKey("mpo:mean-after-" + best.generation()), returns.keySet().toString());
    List<CandidateFitness> all = new ArrayList<>();
    for (int g = 0; g < GENERATIONS; g++) {
      all.addAll(run.fitnessRows(g));
    }
    all.sort(Comparator.comparingDouble(row -> -row.getFitness()));
    CandidateFitness first = all.get(0);
    assertTrue(returns.containsKey("mpo:candidate-1-g" + (first.getGeneration() + 1) + "-p" + first.getPairIndex()
        + (first.getSign() > 0 ? "+" : "-")), "candidate 1 is the noisy maximum: " + returns.keySet());

    Reevaluation reevaluation = SearchRun.read(run.file(SearchRun.REEVALUATION), ReevaluationFile.class).reevaluation();
    assertEquals(4, reevaluation.entries().size());
    assertEquals(Reevaluation.Role.MEAN, reevaluation.entries().get(0).role(), "the best evaluated mean first");
    assertEquals(Reevaluation.Role.BASELINE, reevaluation.entries().get(3).role());
    for (Reevaluation.Entry entry : reevaluation.entries()) {
      Map<Long, Double> own = returns.get(entry.returns().objective());
      double[] value = meanAndError(List.copyOf(own.values()));
      assertEquals(value[0], entry.returns().mean(), 1e-9);
      assertEquals(value[1], entry.returns().standardError(), 1e-9);
      if (entry.role() != Reevaluation.Role.BASELINE) {
        List<Double> differences = new ArrayList<>();
        own.forEach((seed, value1) -> differences.add(value1 - orpo.get(seed)));
        double[] gain = meanAndError(differences);
        assertEquals(gain[0], entry.gain().gain(), 1e-9, entry.returns().objective());
        assertEquals(gain[1], entry.gain().standardError(), 1e-9);
        assertEquals(differences.stream().filter(d -> d > 0).count(), entry.gain().ahead());
      }
    }
    assertEquals(reevaluation, reference.figures().reevaluation(), "the summary shows what the file holds");
    List<String> lines = reference.figures().lines();
    assertTrue(lines.get(2).startsWith("best evaluated mean (after generation " + best.generation() + ")"), lines.toString());
    assertTrue(lines.stream().anyMatch(line -> line.startsWith("best candidate (noisy max of 12)")), lines.toString());
  }

  /** reevaluation.json: the figures under their key, next to the provenance fields. */
  @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
  record ReevaluationFile(@com.fasterxml.jackson.annotation.JsonProperty("reevaluation") Reevaluation reevaluation) {}

  /** A search killed (SIGKILL) while it evaluates the mean after generation 2 does that evaluation again, once. */
  @Test
  void aSearchKilledDuringTheEvaluationOfTheMeanResumesToTheSameFiles() throws Exception {
    Path out = work.resolve("killed-in-evaluation");
    String java = System.getProperty("mirrorpo.java");
    Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        PipelineProcess.class.getName(), "evolve", "--config=" + preset, "--dataset=" + dataset, "--out=" + out,
        "--mlflowUri=http://127.0.0.1:9", "--runner=DirectRunner", "--targetParallelism=2")
        .redirectErrorStream(true).redirectOutput(work.resolve("killed-in-evaluation.log").toFile()).start();
    // Generation 2 is committed and the mean after it is being evaluated: state.json says 2 finished generations.
    Path state = out.resolve("state.json");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (process.isAlive() && System.nanoTime() < deadline
        && !(Files.exists(state) && EsState.read(state).generation() == 2)) {
      Thread.sleep(20);
    }
    assertTrue(process.isAlive(), "the search ended before it could be killed: " + Files.readString(
        work.resolve("killed-in-evaluation.log")));
    process.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
    SearchRun run = new SearchRun(out);
    assertFalse(SearchRun.sealed(run.evaluationDirectory(2)), "killed before the evaluation was committed: "
        + Files.readString(work.resolve("killed-in-evaluation.log")));
    assertEquals(2, EsState.read(state).generation());

    StringWriter log = new StringWriter();
    SearchPipeline.Summary resumed = search(out, "http://127.0.0.1:9", log);
    assertEquals(1, log.toString().split("evaluation of the mean after generation 2 done", -1).length - 1,
        "the interrupted evaluation is done once: " + log);
    assertEquals(reference.state(), resumed.state());
    SearchRun expected = new SearchRun(reference.runDirectory());
    assertEquals(expected.meanEvaluations(), run.meanEvaluations(), "the same curve");
    assertEquals(2, SearchRun.results(run.evaluationDirectory(2)).size(), "its rows once");
    assertEquals(BestObjective.read(expected.file(SearchRun.BEST)), BestObjective.read(run.file(SearchRun.BEST)));
    assertEquals(reference.figures(), resumed.figures(), "the same re-evaluation and noisy maximum");
  }

  /**
   * A run directory as the search wrote it before evaluated means (best.json the best candidate, no evaluation
   * keys in search.json, no evaluations) still loads and resumes: the rerun evaluates the means it lacks, going
   * back to generation 2's from the fitness rows, and ends with the figures of a search that had them all along.
   */
  @Test
  void aRunDirectoryFromBeforeEvaluatedMeansLoadsAndResumesToTheSameFigures() throws IOException {
    Path out = work.resolve("old-format");
    TestDatasets.copyTree(reference.runDirectory(), out);
    SearchRun run = new SearchRun(out);
    for (String gone : List.of("evaluations", "reevaluations")) {
      Directories.deleteTree(out.resolve(gone));
    }
    for (String gone : List.of(SearchRun.EVALUATIONS, SearchRun.REEVALUATION, SearchRun.BEST_CANDIDATE)) {
      Files.delete(run.file(gone));
    }
    BestObjective candidate = BestObjective.read(reference.runDirectory().resolve(SearchRun.BEST_CANDIDATE));
    Files.writeString(run.file(SearchRun.BEST), String.format(Locale.ROOT, """
        {"format": "mirrorpo-mpo-objective", "mpo": %s, "fitness": %s, "generation": %d, "pair_index": %d,
         "sign": %d, "dimension": %d, "zeta_base64_float32": "%s", "zeta_checksum": "%s",
         "policy_sha256": "%s", "task": "hopper"}
        """, JsonFiles.MAPPER.writeValueAsString(candidate.mpo()), candidate.fitness(), candidate.generation(),
        candidate.pairIndex(), candidate.sign(), candidate.dimension(), candidate.zeta(), candidate.checksum(),
        candidate.policySha256()));
    Map<String, Object> search = SearchRun.readMap(run.file(SearchRun.SEARCH));
    @SuppressWarnings("unchecked")
    Map<String, String> params = (Map<String, String>) search.get("params");
    SearchConfig.EVALUATION_KEYS.forEach(params::remove);
    SearchRun.write(run.file(SearchRun.SEARCH), search);

    BestObjective old = BestObjective.read(run.file(SearchRun.BEST));
    assertFalse(old.evaluatedMean(), "an old best.json reads as the best candidate");
    assertEquals(candidate.objective().zeta().length, old.objective().zeta().length);

    StringWriter log = new StringWriter();
    SearchPipeline.Summary resumed = search(out, "http://127.0.0.1:9", log);
    assertTrue(log.toString().contains("evaluation of the mean after generation 2 done"), log.toString());
    assertEquals(reference.state(), resumed.state());
    SearchRun expected = new SearchRun(reference.runDirectory());
    assertEquals(expected.meanEvaluations(), run.meanEvaluations());
    assertEquals(BestObjective.read(expected.file(SearchRun.BEST)), BestObjective.read(run.file(SearchRun.BEST)));
    assertEquals(reference.figures().reevaluation(), resumed.figures().reevaluation());
  }
}
