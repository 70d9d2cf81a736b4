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
import dev.mirrorpo.learning.io.DirectoryLock;
import dev.mirrorpo.runfiles.GenerationSummary;
import dev.mirrorpo.runfiles.Origin;
import dev.mirrorpo.runfiles.SearchRun;
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
import java.util.List;
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
 * dataset, 2 antithetic pairs, 3 generations. One uninterrupted search is the reference for the others.
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
        "  evaluation: {episodes: 3, seed: 5, length: 40}");
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
}
