package dev.mirrorpo.transforms.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.envs.Task;
import dev.mirrorpo.envs.Tasks;
import dev.mirrorpo.learning.data.AgentSource;
import dev.mirrorpo.learning.data.PairGenerationSpec;
import dev.mirrorpo.learning.data.PairRange;
import dev.mirrorpo.learning.data.PreferencePairGenerator;
import dev.mirrorpo.learning.data.Quality;
import dev.mirrorpo.schemas.PreferencePair;
import dev.mirrorpo.transforms.TinyDatasets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transforms only wrap the generator: the files they write hold exactly its rows. */
class GeneratePreferencePairsTest {
  private static final Task HOPPER = Tasks.byName("hopper");

  private static AgentSource agent(Path directory, String name, long seed) throws IOException {
    Path file = TinyDatasets.agent(directory, name, HOPPER.name(), seed, null);
    return new AgentSource(file.toString(), Files.readString(file));
  }

  private static List<Path> parquetFiles(Path directory) throws IOException {
    try (Stream<Path> listing = Files.list(directory)) {
      return listing.filter(p -> p.toString().endsWith(WritePreferencePairs.FILE_SUFFIX)).sorted().toList();
    }
  }

  @Test
  void thePipelineWritesExactlyTheRowsOfTheGenerator(@TempDir Path directory) throws IOException {
    PairGenerationSpec spec = new PairGenerationSpec("hopper", agent(directory, "target", 1),
        agent(directory, "original", 2), Quality.MIXED, 10, 15, 9, 1.0, 0, 2, 4);
    Path data = directory.resolve("data");
    Pipeline pipeline = Pipeline.create(
        PipelineOptionsFactory.fromArgs("--runner=DirectRunner", "--targetParallelism=2").create());
    pipeline
        .apply("GeneratePreferencePairs", GeneratePreferencePairs.of(spec))
        .apply("WritePreferencePairs", WritePreferencePairs.to(data.toString()));
    pipeline.run().waitUntilFinish();

    List<PreferencePair> written = new ArrayList<>();
    List<Path> files = parquetFiles(data);
    for (Path file : files) {
      assertTrue(file.getFileName().toString().startsWith(WritePreferencePairs.FILE_PREFIX + "-"), file.toString());
      written.addAll(PreferencePairFiles.readAll(file));
    }
    written.sort(Comparator.comparingLong(PreferencePair::getPairIndex));

    List<PreferencePair> expected = new ArrayList<>();
    try (PreferencePairGenerator generator = new PreferencePairGenerator(spec)) {
      for (int chunk = 0; chunk < spec.chunks(); chunk++) {
        for (PairRange batch : spec.rolloutBatches(chunk)) {
          expected.addAll(generator.generate(batch));
        }
      }
    }
    assertEquals(expected, written);
  }

  /**
   * Chunks are only units of work: the rows are the pairs of the spec, each index once, whatever the chunking and
   * the parallelism. The reference is the generator run over the whole dataset as one chunk, on one thread.
   */
  @Test
  void theTransformYieldsEachPairOnceAndTheSameRowsWhateverTheChunkingAndParallelism(@TempDir Path directory) {
    PairGenerationSpec chunked = TinyDatasets.hopperSpec(directory, 12, 20, 4);
    PairGenerationSpec whole = new PairGenerationSpec(chunked.task(), chunked.target(), chunked.original(),
        chunked.quality(), chunked.pairs(), chunked.length(), chunked.seed(), chunked.temperature(), chunked.noise(),
        chunked.rolloutBatch(), 12);
    List<PreferencePair> expected = new ArrayList<>();
    try (PreferencePairGenerator generator = new PreferencePairGenerator(whole)) {
      for (PairRange batch : whole.rolloutBatches(0)) {
        expected.addAll(generator.generate(batch));
      }
    }
    assertEquals(12, expected.size());

    Pipeline pipeline = Pipeline.create(
        PipelineOptionsFactory.fromArgs("--runner=DirectRunner", "--targetParallelism=3").create());
    PCollection<PreferencePair> pairs = pipeline.apply(GeneratePreferencePairs.of(chunked));
    PAssert.that(pairs).containsInAnyOrder(expected);
    PAssert.that(pairs).satisfies(rows -> {
      List<Long> indices = new ArrayList<>();
      rows.forEach(row -> indices.add(row.getPairIndex()));
      indices.sort(null);
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L), indices, "each pair index once");
      return null;
    });
    pipeline.run().waitUntilFinish();
  }

  @Test
  void aFileThatIsNotParquetIsReportedByName(@TempDir Path directory) throws IOException {
    Path file = directory.resolve("pairs-00000-of-00001.parquet");
    Files.write(file, "PAR1 this is not a parquet file".getBytes());
    String message = assertThrows(IllegalArgumentException.class, () -> PreferencePairFiles.readAll(file))
        .getMessage();
    assertTrue(message.startsWith("Parquet file " + file) && message.contains("truncated or corrupt"), message);
  }
}
