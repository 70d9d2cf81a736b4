package dev.mirrorpo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.learning.io.DirectoryLock;
import dev.mirrorpo.learning.mpo.MpoConfig;
import dev.mirrorpo.learning.mpo.MpoLayout;
import dev.mirrorpo.pipelines.DatasetPipeline;
import dev.mirrorpo.pipelines.TestDatasets;
import dev.mirrorpo.pipelines.TestObjectives;
import dev.mirrorpo.runfiles.Origin;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to `mirrorpo benchmark`: one line naming the problem, exit code 2, nothing trained. */
class BenchmarkCommandTest {
  @TempDir static Path work;
  private static Path dataset;

  @BeforeAll
  static void makeATinyHopperDataset() {
    TestDatasets.agent(work, "target", "hopper", 1, null);
    TestDatasets.agent(work, "original", "hopper", 2, null);
    TestDatasets.agent(work, "ant", "ant", 3, null);
    Path preset = TestDatasets.preset(work, "tiny", "hopper", "target.agent.json", "original.agent.json",
        "pairs: 4", "length: 10", "seed: 1", "temperature: 1.0", "rollout_batch: 4", "pairs_per_chunk: 4");
    dataset = work.resolve("dataset");
    DatasetPipeline.Options options = DatasetPipeline.options("--runner=DirectRunner");
    options.setConfig(preset.toString());
    options.setOut(dataset.toString());
    DatasetPipeline.generate(options, new Origin("test", "unknown", "now"),
        new PrintWriter(new StringWriter()));
  }

  private static Path preset(String name, String... benchmarkLines) {
    String[] lines = new String[benchmarkLines.length + 5];
    lines[0] = "pairs: 4";
    lines[1] = "length: 10";
    lines[2] = "seed: 1";
    lines[3] = "temperature: 1.0";
    lines[4] = "benchmark:";
    System.arraycopy(benchmarkLines, 0, lines, 5, benchmarkLines.length);
    return TestDatasets.preset(work, name, "hopper", "target.agent.json", "original.agent.json", lines);
  }

  private static void assertOneLineUsageError(CliRun run, String expected) {
    assertEquals(2, run.exitCode(), run.err());
    assertEquals(1, run.err().strip().lines().count(), run.err());
    assertTrue(run.err().contains(expected), run.err());
  }

  @Test
  void aDatasetOfAnotherTaskThanThePresetsIsRefused() throws Exception {
    Path config = preset("hopper", "  seeds: 1");
    Path tla = Files.writeString(work.resolve("tla.yaml"), Files.readString(config).replace("task: hopper",
        "task: tla"));
    Path out = work.resolve("other-task");
    assertOneLineUsageError(CliRun.of("benchmark", "--config", tla.toString(), "--algos", "sft", "--datasets",
        dataset.toString(), "--out", out.toString(), "--mlflow-uri", "http://127.0.0.1:9"),
        "dataset " + dataset + " holds hopper pairs, but the preset " + tla + " is for tla");
    assertFalse(Files.exists(out.resolve("results")), "nothing trained");
  }

  @Test
  void aSecondBenchmarkOnAnOutputDirectoryInUseIsRefused() {
    Path config = preset("busy", "  seeds: 1");
    Path out = work.resolve("busy");
    try (DirectoryLock first = DirectoryLock.acquire(out, "benchmark")) {
      assertOneLineUsageError(CliRun.of("benchmark", "--config", config.toString(), "--algos", "sft", "--datasets",
          dataset.toString(), "--out", out.toString(), "--mlflow-uri", "http://127.0.0.1:9"),
          out + " is in use by process " + ProcessHandle.current().pid() + " (benchmark");
    }
  }

  @Test
  void unknownAlgorithm() {
    Path config = preset("unknown-algo", "  seeds: 1");
    assertOneLineUsageError(CliRun.of("benchmark", "--config", config.toString(), "--algos", "dpo,dop",
        "--datasets", dataset.toString(), "--out", work.resolve("o1").toString()), "unknown algorithm 'dop'");
  }

  @Test
  void unknownHyperParameterInTheGrid() {
    Path config = preset("unknown-parameter", "  grid: {dpo: {gamma: [1.0]}}");
    assertOneLineUsageError(CliRun.of("benchmark", "--config", config.toString(), "--datasets", dataset.toString(),
        "--out", work.resolve("o2").toString()), "unknown key 'benchmark.grid.dpo.gamma'");
  }

  @Test
  void anInitialPolicyOfAnotherTaskThanTheDataset() {
    Path config = preset("ant-start", "  initial_policy: ant.agent.json");
    assertOneLineUsageError(CliRun.of("benchmark", "--config", config.toString(), "--datasets", dataset.toString(),
        "--out", work.resolve("o3").toString()), "does not fit the hopper datasets");
  }

  @Test
  void aDiscoveredObjectiveThatDoesNotExist() {
    Path config = preset("missing-objective", "  seeds: 1");
    Path missing = work.resolve("no-search").resolve("best.json");
    assertOneLineUsageError(CliRun.of("benchmark", "--config", config.toString(), "--datasets", dataset.toString(),
        "--discovered", missing.toString(), "--out", work.resolve("o5").toString()),
        missing + ": no such file; a search writes its best objective to RUN_DIR/best.json");
  }

  @Test
  void aDiscoveredObjectiveOfThePresetIsFoundNextToThePreset() {
    Path config = preset("preset-objective", "  seeds: 1", "  discovered: [searches/quick/best.json]");
    assertOneLineUsageError(CliRun.of("benchmark", "--config", config.toString(), "--datasets", dataset.toString(),
        "--out", work.resolve("o6").toString()), work.resolve("searches/quick/best.json") + ": no such file");
  }

  @Test
  void aDiscoveredObjectiveThatIsNotOne() {
    Path config = preset("not-an-objective", "  seeds: 1");
    Path manifest = dataset.resolve("manifest.json");
    assertOneLineUsageError(CliRun.of("benchmark", "--config", config.toString(), "--datasets", dataset.toString(),
        "--discovered", manifest.toString(), "--out", work.resolve("o7").toString()),
        manifest + " is not a mirrorpo-mpo-objective (");
  }

  @Test
  void aDiscoveredObjectiveWhoseZetaDoesNotFitItsOptions() {
    Path config = preset("short-zeta", "  seeds: 1");
    MpoConfig mpo = MpoConfig.oneStep(true, true, false);
    Path file = TestObjectives.write(work.resolve("short").resolve("best.json"), mpo, new float[10]);
    assertOneLineUsageError(CliRun.of("benchmark", "--config", config.toString(), "--datasets", dataset.toString(),
        "--discovered", file.toString(), "--out", work.resolve("o8").toString()),
        file + ": MPO ζ has 10 values, but the config (" + mpo.describe() + ") needs 1137");
  }

  @Test
  void twoDiscoveredObjectivesThatWouldShareARow() {
    Path config = preset("same-row", "  seeds: 1");
    MpoConfig mpo = MpoConfig.oneStep(true, true, false);
    Path first = TestObjectives.write(work.resolve("a").resolve("run").resolve("best.json"), mpo,
        MpoLayout.initial(mpo));
    Path second = TestObjectives.write(work.resolve("b").resolve("run").resolve("best.json"), mpo,
        MpoLayout.initial(mpo));
    assertOneLineUsageError(CliRun.of("benchmark", "--config", config.toString(), "--datasets", dataset.toString(),
        "--discovered", first + "," + second, "--out", work.resolve("o9").toString()),
        "would both be the row mpo:run; copy one to a file named after its row, NAME.best.json");
  }

  @Test
  void aDatasetDirectoryThatDoesNotExist() {
    Path config = preset("missing-dataset", "  seeds: 1");
    assertOneLineUsageError(CliRun.of("benchmark", "--config", config.toString(), "--datasets",
        work.resolve("nowhere").toString(), "--out", work.resolve("o4").toString()), "no dataset directory");
  }
}
