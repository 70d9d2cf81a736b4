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
import dev.mirrorpo.learning.policy.Agent;
import dev.mirrorpo.learning.policy.AgentFile;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.policy.PolicyArchitecture;
import dev.mirrorpo.schemas.PreferencePair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transforms only wrap the generator: the files they write hold exactly its rows. */
class GeneratePreferencePairsTest {
  private static final Task HOPPER = Tasks.byName("hopper");

  private static AgentSource agent(Path directory, String name, long seed) throws IOException {
    try (GaussianPolicy policy = GaussianPolicy.initialize(
        PolicyArchitecture.gaussianMlp(HOPPER.observationSize(), HOPPER.actionSize()), seed)) {
      Path file = directory.resolve(name + AgentFile.SUFFIX);
      AgentFile.write(file, new Agent(HOPPER.name(), policy,
          new Agent.Provenance("test agent", seed, "unknown", "2026-01-01T00:00:00Z", 0), null));
      return new AgentSource(file.toString(), Files.readString(file));
    }
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

  @Test
  void aFileThatIsNotParquetIsReportedByName(@TempDir Path directory) throws IOException {
    Path file = directory.resolve("pairs-00000-of-00001.parquet");
    Files.write(file, "PAR1 this is not a parquet file".getBytes());
    String message = assertThrows(IllegalArgumentException.class, () -> PreferencePairFiles.readAll(file))
        .getMessage();
    assertTrue(message.startsWith("Parquet file " + file) && message.contains("truncated or corrupt"), message);
  }
}
