package dev.mirrorpo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorpo.pipelines.PreferenceDatasets;
import dev.mirrorpo.pipelines.TestDatasets;
import dev.mirrorpo.transforms.datasets.DatasetManifest;
import dev.mirrorpo.transforms.training.SharedDatasets;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `mirrorpo dataset generate | inspect | bench`, in-process, on untrained agents made here. */
class DatasetCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path work;
  private static Path preset;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @BeforeAll
  static void writeAgentsAndPreset() {
    TestDatasets.agent(work, "target", "hopper", 1, null);
    TestDatasets.agent(work, "original", "hopper", 2, null);
    TestDatasets.agent(work, "ant", "ant", 3, null);
    preset = TestDatasets.preset(work, "small", "hopper", "target.agent.json", "original.agent.json", "pairs: 40",
        "length: 10", "seed: 2", "temperature: 1.0", "noise: 0.3", "rollout_batch: 20", "pairs_per_chunk: 20");
  }

  /** One line on stderr naming the problem, nothing on stdout, a failing exit code. */
  private static String oneLineProblem(CliRun result) {
    assertNotEquals(0, result.exitCode(), result.out() + result.err());
    assertEquals("", result.out());
    String err = result.err().strip();
    assertEquals(1, err.lines().count(), err);
    return err;
  }

  @Test
  void generateThenInspectShowsTheFlipsOfANoisyDataset() throws Exception {
    Path out = work.resolve("noisy");
    CliRun generated = run("dataset", "generate", "--config", preset.toString(), "--quality", "noisy", "--noise", "0.3",
        "--out", out.toString());
    assertEquals(0, generated.exitCode(), generated.err());
    assertTrue(generated.err().contains("dataset: generating 40 noisy pairs on hopper"), generated.err());
    assertTrue(generated.err().contains("pairs/s"), generated.err());

    DatasetManifest manifest = DatasetManifest.read(PreferenceDatasets.manifestFile(out));
    assertEquals("mirrorpo dataset generate --config " + preset + " --quality noisy --noise 0.3 --out " + out,
        manifest.command());
    CliRun inspected = run("dataset", "inspect", out.toString(), "--json");
    assertEquals(0, inspected.exitCode(), inspected.err());
    JsonNode line = JSON.readTree(inspected.out());
    assertEquals(40, line.get("pairs").asInt());
    assertEquals("noisy", line.get("quality").asText());
    assertEquals(0.3, line.get("noise").asDouble());
    assertEquals(manifest.counts().flipped(), line.get("flipped").asLong());
    assertEquals(line.get("flipped").asDouble() / 40, line.get("flip_rate").asDouble(), 1e-12);
    assertTrue(line.get("flipped").asInt() > 0, inspected.out());
    assertEquals(40, line.get("pair_types").get("target-original").asInt());
    assertEquals(manifest.totalBytes(), line.get("bytes").asLong());
    // With η = 1 the judge follows the returns; only the flips disagree (ties count half).
    assertEquals(1 - line.get("flip_rate").asDouble(), line.get("agreement_with_returns").asDouble(), 0.1);

    CliRun text = run("dataset", "inspect", out.toString());
    assertTrue(text.out().contains("flip rate") && text.out().contains("pair types"), text.out());
  }

  @Test
  void anOutputDirectoryWithADatasetIsRefusedUnlessOverwrite() {
    Path out = work.resolve("twice");
    assertEquals(0, run("dataset", "generate", "--config", preset.toString(), "--pairs", "4", "--out",
        out.toString()).exitCode());
    String err = oneLineProblem(run("dataset", "generate", "--config", preset.toString(), "--pairs", "4", "--out",
        out.toString()));
    assertTrue(err.contains("already holds a dataset") && err.contains("--overwrite"), err);
    CliRun again = run("dataset", "generate", "--config", preset.toString(), "--pairs", "6", "--out", out.toString(),
        "--overwrite");
    assertEquals(0, again.exitCode(), again.err());
    assertEquals(6, DatasetManifest.read(PreferenceDatasets.manifestFile(out)).counts().pairs());
  }

  @Test
  void truncatedOrAlteredParquetFilesAreReportedByInspect() throws Exception {
    Path out = work.resolve("damaged");
    assertEquals(0, run("dataset", "generate", "--config", preset.toString(), "--pairs", "4", "--out",
        out.toString()).exitCode());
    Path file = PreferenceDatasets.dataFiles(out).get(0);
    byte[] original = Files.readAllBytes(file);

    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(original.length / 2);
      raf.write(~original[original.length / 2]);
    }
    String altered = oneLineProblem(run("dataset", "inspect", out.toString()));
    assertTrue(altered.contains(file.toString()) && altered.contains("SHA-256"), altered);

    Files.write(file, java.util.Arrays.copyOf(original, original.length / 2));
    String truncated = oneLineProblem(run("dataset", "inspect", out.toString()));
    assertTrue(truncated.contains(file.toString()) && truncated.contains("truncated"), truncated);

    CliRun json = run("dataset", "inspect", out.toString(), "--json");
    assertEquals(2, json.exitCode(), json.err());
    assertEquals("", json.err(), "with --json the refusal is the JSON line");
    JsonNode line = JSON.readTree(json.out());
    assertEquals(out.toString(), line.get("dataset").asText());
    assertTrue(truncated.endsWith(line.get("error").asText()), json.out());
  }

  @Test
  void aParallelismBelowOneIsRefusedBeforeAnythingIsWritten() {
    Path out = work.resolve("parallelism");
    for (String option : List.of("--parallelism=0", "--parallelism=-1", "--targetParallelism=0")) {
      String err = oneLineProblem(run("dataset", "generate", "--config", preset.toString(), "--out", out.toString(),
          option));
      assertTrue(err.contains(option + ": the number of") && err.contains("must be at least 1"), err);
    }
    assertFalse(Files.exists(out));
  }

  /** Ctrl-C (SIGINT) and SIGTERM both run the JVM's shutdown: the user is told what is kept. */
  @Test
  void aGenerationStoppedBySignalSaysWhatIsKept() throws Exception {
    Path out = work.resolve("stopped");
    Path log = work.resolve("stopped.log");
    Process generation = new ProcessBuilder(System.getProperty("mirrorpo.java"), "-cp",
        System.getProperty("java.class.path"), "dev.mirrorpo.cli.Mirrorpo", "dataset", "generate", "--config",
        preset.toString(), "--pairs", "4000", "--out", out.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!Files.readString(log).contains("dataset: generating") && generation.isAlive()
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(generation.isAlive(), Files.readString(log));
      generation.destroy();
      assertTrue(generation.waitFor(60, TimeUnit.SECONDS));
    } finally {
      generation.destroyForcibly();
    }
    assertTrue(Files.readString(log).contains("mirrorpo: interrupted; no dataset was written, and a dataset already"
        + " in --out is as it was"), Files.readString(log));
    assertFalse(Files.exists(PreferenceDatasets.manifestFile(out)));
  }

  @Test
  void badInputIsOneClearLineEach() {
    String quality = oneLineProblem(run("dataset", "generate", "--config", preset.toString(), "--quality",
        "excellent", "--out", work.resolve("x").toString()));
    assertTrue(quality.contains("unknown dataset quality 'excellent'; valid qualities: base, noisy, mixed,"
        + " poor-judge"), quality);

    String noise = oneLineProblem(run("dataset", "generate", "--config", preset.toString(), "--quality", "noisy",
        "--noise", "0.7", "--out", work.resolve("x").toString()));
    assertTrue(noise.contains("ε must lie in [0, 0.5], got 0.7"), noise);

    String wrongTask = oneLineProblem(run("dataset", "generate", "--config", preset.toString(), "--original",
        work.resolve("ant.agent.json").toString(), "--out", work.resolve("x").toString()));
    assertTrue(wrongTask.contains("ant.agent.json") && wrongTask.contains("trained on ant")
        && wrongTask.contains("cannot act in task hopper"), wrongTask);

    String missingAgent = oneLineProblem(run("dataset", "generate", "--config", preset.toString(), "--target",
        work.resolve("nobody.agent.json").toString(), "--out", work.resolve("x").toString()));
    assertTrue(missingAgent.contains("nobody.agent.json does not exist"), missingAgent);

    String beam = oneLineProblem(run("dataset", "generate", "--config", preset.toString(), "--out",
        work.resolve("x").toString(), "--runner", "FlinkRunner"));
    assertTrue(beam.contains("--name=value"), beam);

    String notADataset = oneLineProblem(run("dataset", "inspect", work.resolve("nothing").toString()));
    assertTrue(notADataset.contains("no dataset directory"), notADataset);
    assertTrue(!Files.exists(work.resolve("x")), "bad input wrote nothing");
  }

  @Test
  void aParquetFileTheManifestDoesNotListIsRefusedByInspectTheSearchAndEveryWorker() throws Exception {
    Path dataset = work.resolve("with-stray");
    Path other = work.resolve("stray-source");
    for (Path out : List.of(dataset, other)) {
      assertEquals(0, run("dataset", "generate", "--config", preset.toString(), "--pairs", "4", "--out",
          out.toString()).exitCode());
    }
    // Same schema, other pairs: what a second run into the same directory, or a hand copy, leaves behind.
    Path stray = PreferenceDatasets.dataDirectory(dataset).resolve("pairs-00099-of-00100.parquet");
    Files.copy(PreferenceDatasets.dataFiles(other).get(0), stray);

    // The workers read a dataset through the same check, so even a driver that skipped it trains on nothing else.
    String problem = assertThrows(IllegalArgumentException.class, () -> SharedDatasets.get(dataset.toString()))
        .getMessage();
    assertTrue(problem.contains("data/pairs-00099-of-00100.parquet") && problem.contains("does not list"), problem);
    String inspected = oneLineProblem(run("dataset", "inspect", dataset.toString()));
    assertTrue(inspected.endsWith(problem), inspected);
    Path search = work.resolve("stray-search");
    String searched = oneLineProblem(run("evolve", "--config", preset.toString(), "--dataset", dataset.toString(),
        "--out", search.toString(), "--generations", "1", "--mlflow-uri", "http://127.0.0.1:9"));
    assertTrue(searched.endsWith(problem), searched);
    assertFalse(Files.exists(search), "the refused search left a directory behind");
  }

  @Test
  void benchPrintsOneJsonLineWithThroughputAndSize() throws Exception {
    CliRun bench = run("dataset", "bench", "--config", preset.toString(), "--pairs", "20", "--json");
    assertEquals(0, bench.exitCode(), bench.err());
    JsonNode line = JSON.readTree(bench.out());
    assertEquals("dataset_generation", line.get("benchmark").asText());
    assertEquals(20, line.get("pairs").asInt());
    assertTrue(line.get("pairs_per_s").asDouble() > 0 && line.get("bytes_per_pair").asLong() > 0, bench.out());
  }
}
