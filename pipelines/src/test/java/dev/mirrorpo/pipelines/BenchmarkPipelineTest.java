package dev.mirrorpo.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.learning.io.Directories;
import dev.mirrorpo.learning.io.Sha256;
import dev.mirrorpo.learning.mpo.MpoConfig;
import dev.mirrorpo.learning.mpo.MpoLayout;
import dev.mirrorpo.report.BenchmarkTable;
import dev.mirrorpo.report.HeatMap;
import dev.mirrorpo.runfiles.Origin;
import dev.mirrorpo.schemas.BenchmarkResult;
import dev.mirrorpo.tracking.MlflowLog;
import dev.mirrorpo.tracking.MlflowServer;
import dev.mirrorpo.tracking.MlflowTracking;
import dev.mirrorpo.transforms.benchmark.BenchmarkCell;
import dev.mirrorpo.transforms.benchmark.CellResults;
import dev.mirrorpo.transforms.io.ParquetRows;
import dev.mirrorpo.transforms.io.SealedFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service.RunInfo;

/**
 * The benchmark end to end on real MuJoCo, PyTorch, Beam, Parquet and a real MLflow server: tiny
 * datasets made by the preset, two algorithms (one with a two-point grid), two seeds.
 */
class BenchmarkPipelineTest {
  @TempDir static Path work;
  private static MlflowServer mlflow;
  private static Path preset;
  private static Path out;
  private static BenchmarkPipeline.Summary first;
  private static String firstLog;

  @BeforeAll
  static void runTheBenchmarkOnce() {
    mlflow = MlflowServer.start(work.resolve("mlflow"));
    TestDatasets.agent(work, "target", "hopper", 1, null);
    TestDatasets.agent(work, "original", "hopper", 2, null);
    preset = TestDatasets.preset(work, "tiny", "hopper", "target.agent.json", "original.agent.json",
        "pairs: 8", "length: 30", "seed: 3", "temperature: 1.0", "noise: 0.25", "rollout_batch: 4",
        "pairs_per_chunk: 4",
        "benchmark:",
        "  algorithms: [sft, dpo]",
        "  qualities: [base, noisy]",
        "  seeds: 2",
        "  grid: {dpo: {beta: [0.1, 0.5]}}",
        "  trainer: {epochs: 3, sft_epochs: 2}",
        "  evaluation: {episodes: 4, seed: 5, length: 60}");
    out = work.resolve("benchmark");
    StringWriter log = new StringWriter();
    first = run(out, log, "--runner=DirectRunner", "--targetParallelism=2");
    firstLog = log.toString();
  }

  @AfterAll
  static void stopMlflow() {
    if (mlflow != null) {
      mlflow.close();
    }
  }

  private static BenchmarkPipeline.Summary run(Path directory, StringWriter log, String... beamArgs) {
    BenchmarkPipeline.Options options = BenchmarkPipeline.options(beamArgs);
    options.setConfig(preset.toString());
    options.setOut(directory.toString());
    options.setMlflowUri(mlflow.uri());
    return BenchmarkPipeline.run(options, beamArgs, new Origin("test", "unknown", "now"),
        new PrintWriter(log, true));
  }

  @Test
  void everyCellIsTrainedEvaluatedAndWrittenToParquet() {
    // 2 datasets × (sft: 1 point + dpo: 2 points) × 2 seeds
    assertEquals(12, first.results().size());
    List<BenchmarkResult> fromFiles = new ArrayList<>();
    for (String dataset : List.of("base", "noisy")) {
      for (Path cell : CellResults.finished(out.resolve("results").resolve(dataset)).keySet()) {
        fromFiles.addAll(ParquetRows.read(single(cell), BenchmarkResult.class, "benchmark results"));
      }
    }
    assertEquals(12, fromFiles.size());
    for (BenchmarkResult row : fromFiles) {
      assertEquals("COMPLETED", row.getStatus().toString(), row.getMessage().toString());
      assertTrue(Double.isFinite(row.getMeanReturn()) && Double.isFinite(row.getStandardError()), row.toString());
      assertEquals(3, row.getEpochLosses().size(), "one loss per epoch");
      assertEquals(4, row.getEpisodes());
      assertEquals(5, row.getEvaluationSeed());
    }
    assertTrue(fromFiles.stream().anyMatch(r -> r.getAlgorithm().toString().equals("dpo")
        && r.getHyperParameters().get("beta") == 0.5), "the grid's second point was trained");
    assertTrue(firstLog.contains("benchmark: 12 cells on 2 datasets: 0 done, 12 to train"), firstLog);
    assertTrue(firstLog.contains("benchmark: base (hopper, 8 pairs): 6 cells"), firstLog);
  }

  @Test
  void theTablePicksTheBestGridPointPerDatasetAndIsWrittenAsMarkdownAndCsv() throws IOException {
    BenchmarkTable table = first.tables().get("hopper");
    for (String dataset : List.of("base", "noisy")) {
      BenchmarkTable.Entry dpo = table.entry("dpo", dataset);
      double best = Double.NEGATIVE_INFINITY;
      for (int point = 0; point < 2; point++) {
        final int p = point;
        best = Math.max(best, first.results().stream()
            .filter(r -> r.getAlgorithm().toString().equals("dpo") && r.getDataset().toString().equals(dataset)
                && r.getGridPoint() == p)
            .mapToDouble(BenchmarkResult::getMeanReturn).average().orElseThrow());
      }
      assertEquals(best, dpo.meanReturn(), 1e-9);
      assertEquals(2, dpo.seeds());
    }
    String markdown = Files.readString(out.resolve("table-hopper.md"));
    assertTrue(markdown.startsWith("| hopper | base | noisy |"), markdown);
    assertTrue(markdown.contains("| sft | ") && markdown.contains("| dpo | "), markdown);
    List<String> csv = Files.readAllLines(out.resolve("table-hopper.csv"));
    assertEquals(1 + 4, csv.size(), String.join("\n", csv));
    assertTrue(Files.readString(out.resolve("benchmark.json")).contains("\"manifest_sha256\""));
    BufferedImage heatMap = ImageIO.read(out.resolve("heatmap-hopper.png").toFile());
    assertEquals(List.of(HeatMap.width(2), HeatMap.height(2)), List.of(heatMap.getWidth(), heatMap.getHeight()),
        "one column per dataset, one row per algorithm");
  }

  @Test
  void mlflowHoldsOneRunPerCellWithItsLearningCurveAndARerunAddsNothing() {
    assertEquals(12, first.runsLogged());
    try (MlflowTracking tracking = MlflowTracking.connect(mlflow.uri())) {
      String experiment = tracking.experiment(MlflowLog.EXPERIMENT_PREFIX + "hopper");
      List<RunInfo> runs = runsOf(tracking, experiment, out);
      assertEquals(12, runs.size());
      var run = tracking.client().getRun(runs.get(0).getRunId());
      assertTrue(run.getData().getMetricsList().stream().anyMatch(m -> m.getKey().equals("final_return")));
      assertTrue(run.getData().getParamsList().stream().anyMatch(p -> p.getKey().equals("algorithm")));
      assertEquals(3, tracking.client().getMetricHistory(runs.get(0).getRunId(), "epoch_loss").size());
      Map<String, String> tags = new TreeMap<>();
      run.getData().getTagsList().forEach(tag -> tags.put(tag.getKey(), tag.getValue()));
      Set<String> names = new TreeSet<>();
      runs.forEach(info -> names.add(info.getRunName()));
      assertEquals(12, names.size(), "each cell's run has a name of its own: " + names);
      assertTrue(names.containsAll(Set.of("benchmark hopper/base sft seed 1",
          "benchmark hopper/noisy dpo beta=0.5 seed 2")),
          "a run's name says what it trained, on what, with which seed: " + names);
      assertEquals("test", tags.get("mlflow.source.name"));
      assertEquals("unknown", tags.get("mlflow.source.git.commit"));
      assertEquals(preset.toAbsolutePath().normalize().toString(), tags.get("mirrorpo.preset"));
      assertEquals(MlflowTracking.MODEL_TRAINING, tracking.client().getExperiment(experiment).getTagsList().stream()
          .filter(tag -> tag.getKey().equals(MlflowTracking.EXPERIMENT_KIND_TAG)).findFirst().orElseThrow().getValue(),
          "the experiment opens as a model-training experiment");
      assertTrue(firstLog.contains("benchmark: MLflow runs " + mlflow.uri() + "/#/experiments/" + experiment
          + "?workflowType=machine_learning"), firstLog);

      StringWriter log = new StringWriter();
      BenchmarkPipeline.Summary again = run(out, log, "--runner=DirectRunner");
      assertEquals(0, again.runsLogged(), "a rerun logs nothing twice");
      assertTrue(log.toString().contains("base already has its 6 results"), log.toString());
      assertEquals(returnsByCell(first.results()), returnsByCell(again.results()));
      assertEquals(12, runsOf(tracking, experiment, out).size());

      List<RunInfo> tables = tracking.client().searchRuns(List.of(experiment),
          "tags.`" + MlflowLog.TABLE_TAG + "` = '" + out.toAbsolutePath().normalize() + "'");
      assertEquals(1, tables.size(), "one table run per task, also after a rerun");
      assertEquals(Set.of("heatmap-hopper.png", "table-hopper.csv", "table-hopper.md"),
          tracking.artifacts(tables.get(0).getRunId()));
    }
  }

  @Test
  void sameSeedsGiveTheSameResultsOnFlink() {
    Path flink = work.resolve("flink");
    BenchmarkPipeline.Options options = BenchmarkPipeline.options("--runner=FlinkRunner", "--flinkMaster=[local]",
        "--parallelism=2");
    options.setConfig(preset.toString());
    options.setOut(flink.toString());
    options.setDatasets(out.resolve("datasets").resolve("base").toString());
    options.setMlflowUri("http://127.0.0.1:9"); // nothing listens there: the benchmark goes on without MLflow
    StringWriter log = new StringWriter();
    BenchmarkPipeline.Summary summary = BenchmarkPipeline.run(options, new String[0],
        new Origin("test", "unknown", "now"), new PrintWriter(log, true));
    assertTrue(log.toString().contains("not logging to MLflow"), log.toString());
    Map<String, Double> onDirect = returnsByCell(first.results().stream()
        .filter(r -> r.getDataset().toString().equals("base")).toList());
    assertEquals(onDirect, returnsByCell(summary.results()));
  }

  @Test
  void aResultsFileWithOneBitFlippedOrOneFileTooManyIsRefusedInsteadOfTabulated() throws IOException {
    Path cell = CellResults.finished(out.resolve(BenchmarkPipeline.RESULTS).resolve("base")).keySet().iterator().next();
    Path file = SealedFiles.verified(cell, "result", "results").get(0);
    byte[] original = Files.readAllBytes(file);
    byte[] flipped = original.clone();
    flipped[flipped.length / 2] ^= 1;
    Path extra = cell.resolve("result-extra.parquet");
    try {
      Files.write(file, flipped);
      String changed = refusedRerun().getMessage();
      assertTrue(changed.contains(file.toString()) && changed.contains("SHA-256"), changed);

      Files.write(file, original);
      Files.copy(file, extra);
      String unlisted = refusedRerun().getMessage();
      assertTrue(unlisted.contains(extra.getFileName().toString()) && unlisted.contains("does not list"), unlisted);
    } finally {
      Files.write(file, original);
      Files.deleteIfExists(extra);
    }
  }

  /**
   * A benchmark stopped part-way keeps every cell that finished: here two cells of base and one of noisy are
   * gone, and one of noisy was being written when its process died (its result without its seal). The rerun
   * says so before it starts, trains only those four, and ends with the uninterrupted run's results.
   */
  @Test
  void aRerunTrainsOnlyTheMissingCellsAndEndsWithTheSameResults() throws IOException {
    Path partial = work.resolve("partial");
    TestDatasets.copyTree(out, partial);
    List<Path> base = List.copyOf(CellResults.finished(partial.resolve("results").resolve("base")).keySet());
    List<Path> noisy = List.copyOf(CellResults.finished(partial.resolve("results").resolve("noisy")).keySet());
    Directories.deleteTree(base.get(0));
    Directories.deleteTree(base.get(3));
    Directories.deleteTree(noisy.get(1));
    Files.delete(noisy.get(4).resolve(SealedFiles.SEAL));

    StringWriter log = new StringWriter();
    BenchmarkPipeline.Summary resumed = run(partial, log, "--runner=DirectRunner", "--targetParallelism=2");
    assertTrue(log.toString().contains("benchmark: 12 cells on 2 datasets: 8 done, 4 to train"), log.toString());
    assertTrue(log.toString().contains("benchmark: base (hopper, 8 pairs): 2 cells with DirectRunner (4 of its 6"
        + " finished before)"), log.toString());
    assertEquals(returnsByCell(first.results()), returnsByCell(resumed.results()));
    assertEquals(policiesByCell(first.results()), policiesByCell(resumed.results()), "the same policies, trained anew");
    assertEquals(12, CellResults.finished(partial.resolve("results").resolve("base")).size()
        + CellResults.finished(partial.resolve("results").resolve("noisy")).size());
  }

  /** A directory of a benchmark from before cell-level results (one sealed file per dataset) still loads. */
  @Test
  void resultsWrittenAsOneSealedFilePerDatasetStillLoadAndNothingIsTrained() throws IOException {
    Path legacy = work.resolve("legacy");
    TestDatasets.copyTree(out, legacy);
    for (String dataset : List.of("base", "noisy")) {
      Path results = legacy.resolve("results").resolve(dataset);
      List<BenchmarkResult> rows = List.copyOf(CellResults.finished(results).values());
      Directories.deleteTree(results.resolve(CellResults.CELLS));
      ParquetRows.writeAtomically(results.resolve(BenchmarkPipeline.RESULTS_PREFIX + "-00000-of-00001.parquet"), rows,
          BenchmarkResult.getClassSchema());
      SealedFiles.seal(results, BenchmarkPipeline.RESULTS_PREFIX);
    }
    StringWriter log = new StringWriter();
    BenchmarkPipeline.Summary again = run(legacy, log, "--runner=DirectRunner");
    assertTrue(log.toString().contains("12 cells on 2 datasets: 12 done, 0 to train"), log.toString());
    assertTrue(log.toString().contains("noisy already has its 6 results"), log.toString());
    assertEquals(returnsByCell(first.results()), returnsByCell(again.results()));
  }

  private static IllegalArgumentException refusedRerun() {
    BenchmarkPipeline.Options options = BenchmarkPipeline.options("--runner=DirectRunner");
    options.setConfig(preset.toString());
    options.setOut(out.toString());
    options.setMlflowUri(mlflow.uri());
    return assertThrows(IllegalArgumentException.class, () -> BenchmarkPipeline.run(options, new String[0],
        new Origin("test", "unknown", "now"), new PrintWriter(new StringWriter())));
  }

  @Test
  void resultsOfAnotherBenchmarkInTheOutputAreRefused() {
    BenchmarkPipeline.Options options = BenchmarkPipeline.options("--runner=DirectRunner");
    options.setConfig(preset.toString());
    options.setOut(out.toString());
    options.setSeeds(1);
    options.setMlflowUri(mlflow.uri());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchmarkPipeline.run(options,
        new String[0], new Origin("test", "unknown", "now"), new PrintWriter(new StringWriter())));
    assertTrue(e.getMessage().contains("holds results of another benchmark"), e.getMessage());
  }

  /**
   * A discovered objective at MPO's start point is ORPO (docs/mpo.md), so its row must match ORPO's seed by seed:
   * that holds only if the ζ of the file reaches the trainer, which a second, different ζ confirms by not matching.
   */
  @Test
  void aDiscoveredObjectiveIsTrainedAndScoredAsARowOfItsOwn() throws IOException {
    MpoConfig mpo = MpoConfig.oneStep(true, true, false); // λ 0.5, ORPO's default
    Path start = TestObjectives.write(work.resolve("objectives").resolve("start.best.json"), mpo,
        MpoLayout.initial(mpo));
    float[] steeper = MpoLayout.initial(mpo);
    steeper[MpoLayout.of(mpo).slice(MpoLayout.Function.PSI, MpoLayout.Part.SKIP).offset()] = 3; // ψ = 3·log x
    Path search = TestObjectives.write(work.resolve("search-run").resolve("best.json"), mpo, steeper);
    Path discoveredOut = work.resolve("discovered");
    BenchmarkPipeline.Summary summary = runWithDiscovered(discoveredOut, start + "," + search);

    Map<String, Double> returns = returnsByCell(summary.results());
    for (long seed = 1; seed <= 2; seed++) {
      double orpo = returns.get("orpo/0/base/" + seed);
      // The same objective computed two ways in float32: equal to rounding (here ~1e-8), not bit for bit.
      assertEquals(orpo, returns.get("mpo:start/0/base/" + seed), 1e-5 * Math.abs(orpo), "seed " + seed);
      assertTrue(Math.abs(orpo - returns.get("mpo:search-run/0/base/" + seed)) > 1e-3 * Math.abs(orpo),
          "another ζ trains another policy: seed " + seed + ", " + returns);
    }
    Set<String> objectiveHashes = new HashSet<>();
    summary.results().forEach(r -> objectiveHashes.add(String.valueOf(r.getObjectiveSha256())));
    assertEquals(Set.of("null", Sha256.ofFile(start), Sha256.ofFile(search)), objectiveHashes);

    String markdown = Files.readString(discoveredOut.resolve("table-hopper.md"));
    assertTrue(markdown.contains("| orpo | ") && markdown.contains("| mpo:start | ")
        && markdown.contains("| mpo:search-run | "), markdown);
    String csv = Files.readString(discoveredOut.resolve("table-hopper.csv"));
    assertTrue(csv.contains("hopper,mpo:start,base,0,lambda=0.5,2,2,"), csv);
    String json = Files.readString(discoveredOut.resolve("benchmark.json"));
    assertTrue(json.contains("\"mpo:search-run\"") && json.contains(Sha256.ofFile(search)), json);

    try (MlflowTracking tracking = MlflowTracking.connect(mlflow.uri())) {
      String experiment = tracking.experiment(MlflowLog.EXPERIMENT_PREFIX + "hopper");
      List<RunInfo> runs = runsOf(tracking, experiment, discoveredOut);
      assertEquals(6, runs.size());
      Map<String, String> params = new TreeMap<>();
      for (RunInfo info : runs) {
        Map<String, String> runParams = new TreeMap<>();
        tracking.client().getRun(info.getRunId()).getData().getParamsList()
            .forEach(p -> runParams.put(p.getKey(), p.getValue()));
        if (runParams.get("algorithm").equals("mpo:start")) {
          params = runParams;
        }
      }
      assertEquals(start.toAbsolutePath().normalize().toString(), params.get("discovered.file"));
      assertEquals(Sha256.ofFile(start), params.get("discovered.sha256"));
      assertEquals("one-step", params.get("mpo.mode"));
      assertEquals("1137", params.get("mpo.dimension"));
    }

    // Another file under the same row name is another benchmark: its results are not taken for this one's.
    Path other = TestObjectives.write(work.resolve("elsewhere").resolve("start.best.json"), mpo, steeper);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> runWithDiscovered(discoveredOut, other + "," + search));
    assertTrue(e.getMessage().contains("holds results of another benchmark"), e.getMessage());
  }

  private static BenchmarkPipeline.Summary runWithDiscovered(Path directory, String discovered) {
    BenchmarkPipeline.Options options = BenchmarkPipeline.options("--runner=DirectRunner", "--targetParallelism=2");
    options.setConfig(preset.toString());
    options.setOut(directory.toString());
    options.setDatasets(out.resolve("datasets").resolve("base").toString());
    options.setAlgos("orpo");
    options.setDiscovered(discovered);
    options.setMlflowUri(mlflow.uri());
    return BenchmarkPipeline.run(options, new String[0], new Origin("test", "unknown", "now"),
        new PrintWriter(new StringWriter()));
  }

  /** The MLflow runs of the benchmark that wrote to {@code directory} (other tests log into the same experiment). */
  private static List<RunInfo> runsOf(MlflowTracking tracking, String experiment, Path directory) {
    return tracking.client().searchRuns(List.of(experiment),
        "tags.`mirrorpo.results` = '" + directory.toAbsolutePath().normalize() + "'");
  }

  private static Map<String, String> policiesByCell(List<BenchmarkResult> rows) {
    Map<String, String> policies = new TreeMap<>();
    rows.forEach(r -> policies.put(BenchmarkCell.key(r), r.getPolicySha256().toString()));
    return policies;
  }

  private static Map<String, Double> returnsByCell(List<BenchmarkResult> rows) {
    Map<String, Double> returns = new TreeMap<>();
    rows.forEach(r -> returns.put(r.getAlgorithm() + "/" + r.getGridPoint() + "/" + r.getDataset() + "/" + r.getSeed(),
        r.getMeanReturn()));
    return returns;
  }

  private static Path single(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      List<Path> parquet = files.filter(f -> f.toString().endsWith(".parquet")).sorted(Comparator.naturalOrder())
          .toList();
      assertFalse(parquet.isEmpty(), "no results in " + directory);
      assertEquals(1, parquet.size());
      return parquet.get(0);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
