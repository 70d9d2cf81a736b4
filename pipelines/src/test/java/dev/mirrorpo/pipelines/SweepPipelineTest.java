package dev.mirrorpo.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.learning.io.Directories;
import dev.mirrorpo.learning.io.DirectoryLock;
import dev.mirrorpo.report.HeatMap;
import dev.mirrorpo.report.SweepReport;
import dev.mirrorpo.runfiles.Origin;
import dev.mirrorpo.runfiles.SearchRun;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep end to end on real MuJoCo, PyTorch, Beam and Parquet: a tiny sweep of the shape of
 * configs/sweep-quick.yaml ({@link TestSweeps}: 8 cells and a one-generation search). One uninterrupted
 * night is the reference for the others. MLflow is left out (an address where nothing listens): the
 * benchmark's and the search's own tests cover it.
 */
class SweepPipelineTest {
  private static final String NIGHT = "2026-01-02";
  private static final String NO_MLFLOW = "http://127.0.0.1:9";
  @TempDir static Path work;
  private static Path sweep;
  private static SweepPipeline.Summary reference;
  private static String referenceLog;

  @BeforeAll
  static void sweepOnce() {
    sweep = TestSweeps.write(work);
    StringWriter log = new StringWriter();
    reference = run(work.resolve("reference"), log);
    referenceLog = log.toString();
  }

  private static SweepPipeline.Summary run(Path out, StringWriter log, String... beamArgs) {
    SweepPipeline.Options options = SweepPipeline.options(beamArgs.length > 0 ? beamArgs
        : new String[] {"--runner=DirectRunner", "--targetParallelism=2"});
    options.setConfig(sweep.toString());
    options.setOut(out.toString());
    options.setNight(NIGHT);
    options.setMlflowUri(NO_MLFLOW);
    return SweepPipeline.run(options, new String[0], new Origin("test", "unknown", "now"), new PrintWriter(log, true));
  }

  @Test
  void aNightWritesEveryCellItsSearchAndASummaryWithAHeatMap() throws IOException {
    assertTrue(referenceLog.contains("sweep: night " + NIGHT + ": " + TestSweeps.CELLS + " cells (0 done, "
        + TestSweeps.CELLS + " to train) and 1 searches (0 of 1 generations done, 0 of 1 re-evaluated)"), referenceLog);
    Path night = work.resolve("reference").resolve("nights").resolve(NIGHT);
    assertEquals(night, reference.night());
    List<SweepReport.Cell> cells = SweepReport.readCsv(night.resolve("summary.csv"));
    assertEquals(TestSweeps.CELLS + 1, cells.size(), "every cell and the search, read back from summary.csv");
    assertEquals(TestSweeps.CELLS, cells.stream().filter(c -> !c.objective().equals(SweepPipeline.SEARCH_ROW)
        && Double.isFinite(c.meanReturn())).count());
    SweepReport.Cell search = cells.stream().filter(c -> c.objective().equals(SweepPipeline.SEARCH_ROW)).findFirst()
        .orElseThrow();
    assertEquals("base", search.dataset());
    assertEquals(1, new SearchRun(night.resolve("searches").resolve("hopper-base")).summaries(1).size());
    String markdown = Files.readString(night.resolve("summary.md"));
    assertTrue(markdown.contains("no earlier night to compare with") && markdown.contains("| hopper | base | noisy |"),
        markdown);
    assertTrue(markdown.contains(String.format(Locale.ROOT, "| hopper-base | %.1f ± %.1f |",
        search.meanReturn(), search.standardError())), markdown);
    assertTrue(Files.readString(night.resolve("sweep.json")).contains("\"git_commit\" : \"unknown\""));
    BufferedImage heatMap = ImageIO.read(night.resolve("heatmap-hopper.png").toFile());
    assertEquals(HeatMap.height(3), heatMap.getHeight(), "sft, orpo and the search's row");
    assertEquals(HeatMap.width(2), heatMap.getWidth(), "base and noisy");
    assertTrue(Files.exists(work.resolve("reference").resolve("datasets").resolve("hopper").resolve("noisy")
        .resolve("manifest.json")), "datasets are made once, beside the nights");
  }

  @Test
  void runningTheSameNightAgainTrainsNothingAndSaysSo() {
    StringWriter log = new StringWriter();
    SweepPipeline.Summary again = run(work.resolve("reference"), log);
    assertTrue(log.toString().contains("sweep: night " + NIGHT + " is complete (" + TestSweeps.CELLS
        + " cells, 1 search generations, 1 re-evaluations); nothing to train"), log.toString());
    assertEquals(0, again.toTrain());
    assertFalse(log.toString().contains("cells with DirectRunner"), "no benchmark pipeline ran: " + log);
    assertEquals(returns(reference.report()), returns(again.report()));
  }

  /**
   * The previous night's summary.csv is what a night is compared with: here an earlier night whose sft seed 1
   * on base returned far less, and whose orpo seed 2 on noisy diverged; the others are as tonight.
   */
  @Test
  void theSummaryFlagsTheCellsThatChangedBeyondTheirStandardErrorsSinceTheLatestEarlierNight() throws IOException {
    Path out = work.resolve("history");
    TestDatasets.copyTree(work.resolve("reference"), out);
    // A search records its dataset's path, which the copy changed: the search runs again (same seed, same result).
    Directories.deleteTree(out.resolve("nights").resolve(NIGHT).resolve("searches"));
    Path tonight = out.resolve("nights").resolve(NIGHT).resolve("summary.csv");
    List<String> lines = Files.readAllLines(tonight);
    StringBuilder earlier = new StringBuilder(lines.get(0)).append('\n');
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      if (f[1].equals("hopper") && f[2].equals("base") && f[3].equals("sft") && f[5].equals("1")) {
        f[6] = Double.toString(Double.parseDouble(f[6]) - 1000);
      }
      if (f[2].equals("noisy") && f[3].equals("orpo") && f[5].equals("2")) {
        f[6] = "";
      }
      earlier.append(String.join(",", f)).append('\n');
    }
    Files.createDirectories(out.resolve("nights").resolve("2026-01-01"));
    Files.writeString(out.resolve("nights").resolve("2026-01-01").resolve("summary.csv"), earlier);
    Files.createDirectories(out.resolve("nights").resolve("2025-12-31"));
    Files.writeString(out.resolve("nights").resolve("2025-12-31").resolve("summary.csv"), lines.get(0) + "\n");

    StringWriter log = new StringWriter();
    SweepPipeline.Summary compared = run(out, log);
    assertEquals(2, compared.report().flagged().size(), compared.report().csv());
    assertEquals(TestSweeps.CELLS + 1, compared.report().compared(), "compared with 2026-01-01, the latest earlier");
    assertTrue(log.toString().contains("2 changed beyond their standard errors since 2026-01-01"), log.toString());
    String markdown = Files.readString(out.resolve("nights").resolve(NIGHT).resolve("summary.md"));
    assertTrue(markdown.contains("| hopper/base/sft//1 | ") && markdown.contains("| +1000.0 |"), markdown);
    assertTrue(markdown.contains("| hopper/noisy/orpo/lambda=0.5/2 | diverged | "), markdown);
  }

  /**
   * Killed (SIGKILL) in a JVM of its own once its first cells are sealed, the sweep is rerun here: it says how
   * much is left before it starts, trains only that, and ends with the uninterrupted night's results.
   */
  @Test
  void aSweepKilledHalfwayFinishesOnlyTheMissingCellsWithTheUninterruptedResults() throws Exception {
    Path out = Files.createDirectories(work.resolve("killed"));
    TestDatasets.copyTree(work.resolve("reference").resolve("datasets"), out.resolve("datasets"));
    String java = System.getProperty("mirrorpo.java"); // bin/java: the pinned numeric environment
    Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        PipelineProcess.class.getName(), "sweep", "--config=" + sweep, "--out=" + out, "--night=" + NIGHT,
        "--mlflowUri=" + NO_MLFLOW, "--runner=DirectRunner", "--targetParallelism=1")
        .redirectErrorStream(true).redirectOutput(work.resolve("killed.log").toFile()).start();
    Path results = out.resolve("nights").resolve(NIGHT).resolve("benchmarks").resolve("hopper").resolve("results");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (sealedCells(results) == 0 && process.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(process.isAlive(), "the sweep ended before it could be killed: "
        + Files.readString(work.resolve("killed.log")));
    process.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
    long sealed = sealedCells(results);
    assertTrue(sealed >= 1 && sealed < TestSweeps.CELLS, sealed + " cells sealed when it was killed");
    assertFalse(Files.exists(out.resolve("nights").resolve(NIGHT).resolve("summary.csv")), "killed before its end");

    StringWriter log = new StringWriter();
    SweepPipeline.Summary resumed = run(out, log);
    assertTrue(log.toString().contains(TestSweeps.CELLS + " cells (" + sealed + " done, " + (TestSweeps.CELLS - sealed)
        + " to train) and 1 searches (0 of 1 generations done, 0 of 1 re-evaluated)"), log.toString());
    assertEquals(returns(reference.report()), returns(resumed.report()), "same seeds, same returns");
  }

  @Test
  void aSecondSweepOnABusyOutputIsRefusedOrWithSkipIfRunningSaysSoAndDoesNothing() {
    Path out = work.resolve("busy");
    try (DirectoryLock first = DirectoryLock.acquire(out, "sweep")) {
      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
          () -> run(out, new StringWriter()));
      assertTrue(refused.getMessage().contains("is in use by process " + ProcessHandle.current().pid() + " (sweep"),
          refused.getMessage());

      StringWriter log = new StringWriter();
      SweepPipeline.Summary skipped = run(out, log, "--runner=DirectRunner", "--skipIfRunning=true");
      assertTrue(skipped.skipped().startsWith("sweep: another sweep is running: " + out + " is in use by process "),
          skipped.skipped());
      assertTrue(log.toString().contains("this start does nothing"), log.toString());
      assertNull(skipped.report());
      assertFalse(Files.exists(out), "nothing was written");
    }
  }

  @Test
  void aNightThatIsNotADateIsRefusedBeforeAnything() {
    SweepPipeline.Options options = SweepPipeline.options("--runner=DirectRunner");
    options.setConfig(sweep.toString());
    options.setOut(work.resolve("bad-night").toString());
    options.setNight("tonight");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SweepPipeline.run(options,
        new String[0], new Origin("test", "unknown", "now"), new PrintWriter(new StringWriter())));
    assertTrue(e.getMessage().startsWith("--night tonight is not a date YYYY-MM-DD"), e.getMessage());
    assertFalse(Files.exists(work.resolve("bad-night")));
  }

  private static long sealedCells(Path results) throws IOException {
    if (!Files.isDirectory(results)) {
      return 0;
    }
    try (Stream<Path> walk = Files.walk(results)) {
      return walk.filter(path -> path.getFileName().toString().equals("checksums.json")).count();
    }
  }

  private static Map<String, Double> returns(SweepReport report) {
    Map<String, Double> returns = new TreeMap<>();
    report.comparisons().forEach(c -> returns.put(c.now().key(), c.now().meanReturn()));
    return returns;
  }
}
