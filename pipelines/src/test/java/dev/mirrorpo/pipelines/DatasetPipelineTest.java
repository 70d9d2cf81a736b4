package dev.mirrorpo.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorpo.learning.data.RowsDigest;
import dev.mirrorpo.learning.io.DirectoryLock;
import dev.mirrorpo.learning.io.Sha256;
import dev.mirrorpo.runfiles.Origin;
import dev.mirrorpo.schemas.PreferencePair;
import dev.mirrorpo.transforms.datasets.DatasetManifest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dataset pipeline end to end on real MuJoCo, PyTorch, Beam and Parquet: the same preset and
 * seed give the same rows on every runner and parallelism, other readers read the files, and a
 * replacement killed at any moment leaves the dataset that was there.
 */
class DatasetPipelineTest {
  private static final Path PYTHON = Path.of("..", ".venv", "bin", "python");

  @TempDir static Path work;
  private static Path preset;
  private static Path directDataset;
  private static List<PreferencePair> directRows;

  @BeforeAll
  static void generateOnTheDirectRunner() {
    TestDatasets.agent(work, "target", "hopper", 1, null);
    TestDatasets.agent(work, "original", "hopper", 2, null);
    // Mixed: the agents of each batch vary, so batches of environments vary in size and makeup.
    preset = TestDatasets.preset(work, "tiny", "hopper", "target.agent.json", "original.agent.json",
        "quality: mixed", "pairs: 24", "length: 25", "seed: 3", "temperature: 1.0", "rollout_batch: 4",
        "pairs_per_chunk: 8");
    directDataset = work.resolve("direct");
    generate(directDataset, "--runner=DirectRunner", "--targetParallelism=2");
    directRows = TestDatasets.rows(directDataset);
  }

  private static DatasetManifest generate(Path out, String... beamArgs) {
    return generate(out, false, beamArgs);
  }

  private static DatasetManifest generate(Path out, boolean overwrite, String... beamArgs) {
    DatasetPipeline.Options options = DatasetPipeline.options(beamArgs);
    options.setConfig(preset.toString());
    options.setOut(out.toString());
    options.setOverwrite(overwrite);
    return DatasetPipeline.generate(options, new Origin("test", "unknown", "now"),
        new PrintWriter(new StringWriter()));
  }

  @Test
  void theSameRowsOnFlinkAtParallelismOneAndTwoAsOnTheDirectRunner() {
    assertEquals(24, directRows.size());
    for (int parallelism : new int[] {1, 2}) {
      Path out = work.resolve("flink-" + parallelism);
      DatasetManifest manifest = generate(out, "--runner=FlinkRunner", "--flinkMaster=[local]",
          "--parallelism=" + parallelism);
      assertEquals("FlinkRunner", manifest.runner());
      assertEquals(directRows, TestDatasets.rows(out), "rows on Flink at parallelism " + parallelism);
      assertEquals(PreferenceDatasets.inspect(directDataset).rowsSha256(), manifest.rowsSha256(),
          "the rows digest does not depend on the runner's sharding");
    }
  }

  @Test
  void theRowsDigestSeesEveryBitOfEveryRowInPairOrder() {
    PreferenceDatasets.Inspection inspection = PreferenceDatasets.inspect(directDataset);
    assertEquals(inspection.manifest().rowsSha256(), inspection.rowsSha256());
    RowsDigest reversed = new RowsDigest();
    for (int i = directRows.size() - 1; i >= 0; i--) {
      reversed.add(directRows.get(i));
    }
    assertEquals(inspection.rowsSha256(), reversed.sha256(), "rows in another order, the same digest");
    RowsDigest changed = new RowsDigest();
    for (PreferencePair row : directRows) {
      PreferencePair copy = PreferencePair.newBuilder(row).build();
      if (row.getPairIndex() == 7) {
        List<Float> actions = new ArrayList<>(copy.getChosen().getActions());
        actions.set(3, Math.nextUp(actions.get(3)));
        copy.getChosen().setActions(actions);
      }
      changed.add(copy);
    }
    assertNotEquals(inspection.rowsSha256(), changed.sha256(), "one action one ulp away, another digest");
  }

  @Test
  void theManifestComesLastAndDescribesTheFiles() throws IOException {
    DatasetManifest manifest = DatasetManifest.read(PreferenceDatasets.manifestFile(directDataset));
    assertEquals(24, manifest.counts().pairs());
    assertEquals("mixed", manifest.config().quality());
    assertEquals(3, manifest.config().seed());
    long bytes = 0;
    for (DatasetManifest.DataFile file : manifest.files()) {
      Path path = directDataset.resolve(file.name());
      assertEquals(Files.size(path), file.bytes());
      assertEquals(Sha256.ofFile(path), file.sha256());
      bytes += file.bytes();
    }
    assertEquals(bytes, manifest.totalBytes());
    assertEquals(manifest.files().size(), PreferenceDatasets.dataFiles(directDataset).size());
    try (var listing = Files.list(PreferenceDatasets.dataDirectory(directDataset))) {
      assertTrue(listing.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no runner leftovers");
    }
    assertEquals(manifest.counts().pairs(), PreferenceDatasets.inspect(directDataset).statistics().pairs());
  }

  @Test
  void pyarrowReadsTheSameRowsAndColumns() throws Exception {
    assumeTrue(Files.isExecutable(PYTHON), "no project virtualenv at " + PYTHON.toAbsolutePath());
    String script = String.join("\n",
        "import json, sys",
        "import pyarrow.parquet as pq",
        "table = pq.read_table(sys.argv[1])",
        "chosen = table.schema.field('chosen').type",
        "print(json.dumps({'rows': table.num_rows, 'columns': table.column_names,",
        "    'trajectory': [chosen.field(i).name for i in range(chosen.num_fields)],",
        "    'observations': str(chosen.field('observations').type.value_type),",
        "    'indices': sorted(table.column('pair_index').to_pylist())}))");
    Process python = new ProcessBuilder(PYTHON.toString(), "-c", script,
        PreferenceDatasets.dataDirectory(directDataset).toString()).redirectErrorStream(true).start();
    String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(python.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, python.exitValue(), output);
    JsonNode read = new ObjectMapper().readTree(output.lines().reduce((first, last) -> last).orElseThrow());
    assertEquals(24, read.get("rows").asInt());
    assertEquals(fieldNames(PreferencePair.getClassSchema()), strings(read.get("columns")));
    assertEquals(fieldNames(PreferencePair.getClassSchema().getField("chosen").schema()),
        strings(read.get("trajectory")));
    assertEquals("float", read.get("observations").asText(), "trajectories are float32");
    for (int i = 0; i < 24; i++) {
      assertEquals(i, read.get("indices").get(i).asInt());
    }
  }

  private static boolean anyParquetFile(Path dataset) throws IOException {
    Path data = PreferenceDatasets.dataDirectory(dataset);
    if (!Files.isDirectory(data)) {
      return false;
    }
    try (Stream<Path> walk = Files.walk(data)) {
      return walk.anyMatch(p -> p.toString().endsWith(".parquet"));
    } catch (UncheckedIOException e) {
      return false; // a file moved while we looked
    }
  }

  private static List<String> fieldNames(Schema schema) {
    return schema.getFields().stream().map(Schema.Field::name).toList();
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(node -> values.add(node.asText()));
    return values;
  }

  @Test
  void anOverwriteKilledMidWriteLeavesTheDatasetThatWasThereAndTheNextRunCleansUp() throws Exception {
    Path out = work.resolve("killed");
    String before = generate(out).rowsSha256();
    Path staging = DatasetReplacement.staging(out);
    Path slowPreset = TestDatasets.preset(work, "slow", "hopper", "target.agent.json", "original.agent.json",
        "pairs: 2048", "length: 25", "seed: 4", "temperature: 1.0", "rollout_batch: 8", "pairs_per_chunk: 8");
    String java = System.getProperty("mirrorpo.java"); // bin/java: the pinned numeric environment
    // Flink streams rows into a file from the first one on, so the kill lands while it is being written.
    Process generation = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        PipelineProcess.class.getName(), "dataset", "--config=" + slowPreset, "--out=" + out,
        "--overwrite=true", "--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=1")
        .redirectErrorStream(true)
        .redirectOutput(work.resolve("killed.log").toFile())
        .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!anyParquetFile(staging) && generation.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(generation.isAlive(), "the generation ended before it could be killed mid-write: "
          + Files.readString(work.resolve("killed.log")));
      assertTrue(anyParquetFile(staging), "no Parquet file was begun within 120 s");
    } finally {
      generation.destroyForcibly().waitFor();
    }
    assertEquals(before, PreferenceDatasets.inspect(out).rowsSha256(), "the old dataset, whole");
    String refusal = assertThrows(IllegalArgumentException.class, () -> generate(out)).getMessage();
    assertTrue(refusal.contains("already holds a dataset") && refusal.contains("--overwrite"), refusal);

    generate(out, true);
    assertEquals(before, PreferenceDatasets.inspect(out).rowsSha256(), "the same preset, the same rows");
    assertFalse(Files.exists(staging), "the killed run's unfinished dataset is gone");
    try (Stream<Path> siblings = Files.list(work)) {
      assertEquals(List.of(".killed.lock"), siblings.map(p -> p.getFileName().toString())
          .filter(name -> name.startsWith(".killed")).toList(), "nothing beside the dataset but its lock file");
    }
  }

  @Test
  void aRunKilledBetweenTheTwoRenamesIsFinishedByTheNext() throws IOException {
    Path out = work.resolve("swapped");
    generate(out);
    // The state after the first rename: the old dataset retired, the complete new one staged, no dataset.
    Path retired = work.resolve(".swapped.old");
    Files.move(out, retired);
    TestDatasets.copyTree(directDataset, DatasetReplacement.staging(out));
    DatasetReplacement.begin(out, true);
    assertEquals(PreferenceDatasets.inspect(directDataset).rowsSha256(), PreferenceDatasets.inspect(out).rowsSha256(),
        "the new dataset went in");
    assertFalse(Files.exists(retired));
  }

  @Test
  void anOverwriteRefusesADirectoryHoldingFilesThatAreNotTheDatasetsAndDeletesNothing() throws IOException {
    Path out = work.resolve("with-notes");
    String before = generate(out).rowsSha256();
    Path notes = Files.writeString(out.resolve("notes.txt"), "mine");
    Path stray = Files.writeString(PreferenceDatasets.dataDirectory(out).resolve("README"), "mine too");
    String message = assertThrows(IllegalArgumentException.class, () -> generate(out, true)).getMessage();
    assertTrue(message.contains("notes.txt") && message.contains("not part of a dataset"), message);
    Files.delete(notes);
    message = assertThrows(IllegalArgumentException.class, () -> generate(out, true)).getMessage();
    assertTrue(message.contains("README") && message.contains("not part of a dataset"), message);
    assertEquals("mine too", Files.readString(stray));
    Files.delete(stray);
    assertEquals(before, PreferenceDatasets.inspect(out).rowsSha256(), "the dataset untouched");
  }

  @Test
  void aSecondGenerationIntoADirectoryInUseIsRefusedNamingTheFirst() {
    Path out = work.resolve("locked");
    try (DirectoryLock first = DirectoryLock.acquire(out, "dataset generate")) {
      String message = assertThrows(IllegalArgumentException.class, () -> generate(out, true)).getMessage();
      assertTrue(message.contains(out + " is in use by process " + ProcessHandle.current().pid()), message);
    }
    assertFalse(Files.exists(out), "nothing was written");
  }
}
