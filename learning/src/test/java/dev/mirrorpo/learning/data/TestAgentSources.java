package dev.mirrorpo.learning.data;

import dev.mirrorpo.envs.Task;
import dev.mirrorpo.learning.policy.Agent;
import dev.mirrorpo.learning.policy.AgentFile;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.policy.PolicyArchitecture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Untrained agents of distinct behaviour, written as agent files, for datasets made in tests. */
final class TestAgentSources {
  private TestAgentSources() {}

  /**
   * An agent of {@code task} whose weights are perturbed away from the initialisation, so that two
   * seeds play differently, written to {@code directory} and read back as a source.
   */
  static AgentSource write(Path directory, String name, Task task, long seed) {
    GaussianPolicy policy = GaussianPolicy.initialize(
        PolicyArchitecture.gaussianMlp(task.observationSize(), task.actionSize()), seed);
    try (policy) {
      SplittableRandom random = new SplittableRandom(seed);
      float[] values = policy.parameters().values();
      for (int i = 0; i < values.length; i++) {
        values[i] += (float) (0.3 * random.nextGaussian());
      }
      policy.parameters().setValues(values);
      Path file = directory.resolve(name + AgentFile.SUFFIX);
      AgentFile.write(file, new Agent(task.name(), policy,
          new Agent.Provenance("test agent " + name, seed, "unknown", "2026-01-01T00:00:00Z", 0), null));
      return new AgentSource(file.toString(), Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
