package dev.mirrorpo.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.schemas.BenchmarkResult;
import dev.mirrorpo.transforms.io.ParquetRows;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
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
    return BenchmarkPipeline.run(options, beamArgs, new DatasetPipeline.Origin("test", "unknown", "now"),
        new PrintWriter(log, true));
  }

  @Test
  void everyCellIsTrainedEvaluatedAndWrittenToParquet() {
    // 2 datasets × (sft: 1 point + dpo: 2 points) × 2 seeds
    assertEquals(12, first.results().size());
    List<BenchmarkResult> fromFiles = new ArrayList<>();
    for (String dataset : List.of("base", "noisy")) {
      fromFiles.addAll(ParquetRows.read(single(out.resolve("results").resolve(dataset)), BenchmarkResult.class,
          "benchmark results"));
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
  }

  @Test
  void mlflowHoldsOneRunPerCellWithItsLearningCurveAndARerunAddsNothing() {
    assertEquals(12, first.runsLogged());
    try (MlflowTracking tracking = MlflowTracking.connect(mlflow.uri())) {
      String experiment = tracking.experiment(MlflowLog.EXPERIMENT_PREFIX + "hopper");
      List<RunInfo> runs = tracking.client().searchRuns(List.of(experiment), "");
      assertEquals(12, runs.size());
      var run = tracking.client().getRun(runs.get(0).getRunId());
      assertTrue(run.getData().getMetricsList().stream().anyMatch(m -> m.getKey().equals("final_return")));
      assertTrue(run.getData().getParamsList().stream().anyMatch(p -> p.getKey().equals("algorithm")));
      assertEquals(3, tracking.client().getMetricHistory(runs.get(0).getRunId(), "epoch_loss").size());

      StringWriter log = new StringWriter();
      BenchmarkPipeline.Summary again = run(out, log, "--runner=DirectRunner");
      assertEquals(0, again.runsLogged(), "a rerun logs nothing twice");
      assertTrue(log.toString().contains("base already has its 6 results"), log.toString());
      assertEquals(returnsByCell(first.results()), returnsByCell(again.results()));
      assertEquals(12, tracking.client().searchRuns(List.of(experiment), "").size());
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
        new DatasetPipeline.Origin("test", "unknown", "now"), new PrintWriter(log, true));
    assertTrue(log.toString().contains("not logging to MLflow"), log.toString());
    Map<String, Double> onDirect = returnsByCell(first.results().stream()
        .filter(r -> r.getDataset().toString().equals("base")).toList());
    assertEquals(onDirect, returnsByCell(summary.results()));
  }

  @Test
  void resultsOfAnotherBenchmarkInTheOutputAreRefused() {
    BenchmarkPipeline.Options options = BenchmarkPipeline.options("--runner=DirectRunner");
    options.setConfig(preset.toString());
    options.setOut(out.toString());
    options.setSeeds(1);
    options.setMlflowUri(mlflow.uri());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchmarkPipeline.run(options,
        new String[0], new DatasetPipeline.Origin("test", "unknown", "now"), new PrintWriter(new StringWriter())));
    assertTrue(e.getMessage().contains("holds results of another benchmark"), e.getMessage());
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
