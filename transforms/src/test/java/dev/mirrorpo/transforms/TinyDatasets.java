package dev.mirrorpo.transforms;

import dev.mirrorpo.envs.Task;
import dev.mirrorpo.envs.Tasks;
import dev.mirrorpo.learning.data.AgentSource;
import dev.mirrorpo.learning.data.PairGenerationSpec;
import dev.mirrorpo.learning.data.Quality;
import dev.mirrorpo.learning.io.Sha256;
import dev.mirrorpo.learning.policy.Agent;
import dev.mirrorpo.learning.policy.AgentFile;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.policy.PolicyArchitecture;
import dev.mirrorpo.schemas.SchemaVersions;
import dev.mirrorpo.transforms.datasets.DatasetManifest;
import dev.mirrorpo.transforms.datasets.GeneratePreferencePairs;
import dev.mirrorpo.transforms.datasets.PreferencePairFiles;
import dev.mirrorpo.transforms.datasets.WritePreferencePairs;
import dev.mirrorpo.transforms.io.ListedFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Untrained agents and tiny preference datasets made on real MuJoCo, for tests of the transforms and (through
 * this module's test jar) of the pipelines; nothing here reads agents/.
 */
public final class TinyDatasets {
  private TinyDatasets() {}

  /**
   * Writes an untrained agent of {@code task}; {@code meanReturn}, if not null, is recorded as its
   * evaluation on its task (for the poor judge's calibration).
   */
  public static Path agent(Path directory, String name, String task, long seed, Double meanReturn) {
    Task robot = Tasks.byName(task);
    try (GaussianPolicy policy = GaussianPolicy.initialize(
        PolicyArchitecture.gaussianMlp(robot.observationSize(), robot.actionSize()), seed)) {
      Path file = directory.resolve(name + AgentFile.SUFFIX);
      Agent.Evaluation evaluation = meanReturn == null ? null
          : new Agent.Evaluation(task, 100, 7, meanReturn, 1.0, 100);
      AgentFile.write(file, new Agent(task, policy,
          new Agent.Provenance("test agent " + name, seed, "unknown", "2026-01-01T00:00:00Z", 0), evaluation));
      return file;
    }
  }

  /**
   * Hopper pairs of two untrained agents (written into {@code directory}), base quality, judged at
   * temperature 1, rolled out 4 at a time.
   */
  public static PairGenerationSpec hopperSpec(Path directory, long pairs, int length, int pairsPerChunk) {
    return new PairGenerationSpec("hopper", source(agent(directory, "target", "hopper", 1, null)),
        source(agent(directory, "original", "hopper", 2, null)), Quality.BASE, pairs, length, 3, 1.0, 0, 4,
        pairsPerChunk);
  }

  private static AgentSource source(Path file) {
    try {
      return new AgentSource(file.toString(), Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Makes the dataset of {@code spec} in {@code dataset} with the transforms that make real ones, and lists
   * its files in a manifest, which is what training reads a dataset through ({@link PreferencePairFiles#verified});
   * the manifest's descriptive parts (config, counts, statistics) are left out, since no test here reads them.
   */
  public static Path write(Path dataset, PairGenerationSpec spec) {
    Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
    pipeline
        .apply("GeneratePreferencePairs", GeneratePreferencePairs.of(spec))
        .apply("WritePreferencePairs", WritePreferencePairs.to(
            dataset.resolve(PreferencePairFiles.DATA_DIRECTORY).toString()));
    pipeline.run().waitUntilFinish();
    List<Path> files = PreferencePairFiles.written(dataset);
    List<DatasetManifest.DataFile> listed = files.stream().map(file -> new DatasetManifest.DataFile(
        dataset.relativize(file).toString(), ListedFiles.size(file), Sha256.ofFile(file))).toList();
    long bytes = listed.stream().mapToLong(DatasetManifest.DataFile::bytes).sum();
    new DatasetManifest(DatasetManifest.FORMAT, DatasetManifest.FORMAT_VERSION, SchemaVersions.PREFERENCE_PAIR,
        "2026-01-01T00:00:00Z", "test", "unknown", "DirectRunner", null, null, null, null, listed, bytes, null, null)
        .write(dataset.resolve(DatasetManifest.FILE_NAME));
    return dataset;
  }
}
