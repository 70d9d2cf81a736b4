package dev.mirrorpo.learning.policy;

import dev.mirrorpo.envs.Task;
import java.util.SplittableRandom;

/** Agents with non-trivial weights and normaliser statistics, built without training. */
final class TestAgents {
  private TestAgents() {}

  /**
   * An agent for {@code task} whose weights are perturbed away from the initialisation (so its
   * actions depend on every weight) and whose normaliser has seen some data.
   */
  static Agent of(Task task, long seed) {
    GaussianPolicy policy = GaussianPolicy.initialize(
        PolicyArchitecture.gaussianMlp(task.observationSize(), task.actionSize()), seed);
    SplittableRandom rng = new SplittableRandom(seed);
    float[] values = policy.parameters().values();
    for (int i = 0; i < values.length; i++) {
      values[i] += (float) (0.3 * rng.nextGaussian());
    }
    policy.parameters().setValues(values);
    int rows = 50;
    float[] observations = new float[rows * task.observationSize()];
    for (int i = 0; i < observations.length; i++) {
      observations[i] = (float) (rng.nextGaussian() * (1 + i % 5));
    }
    policy.normalizer().update(observations, rows);
    Agent.Provenance provenance = new Agent.Provenance(
        "mirrorpo agents train --env " + task.name() + " --out 'a b/σ.agent.json' --seed " + seed, seed,
        "0123456789abcdef-dirty", "2025-01-02T03:04:05Z", 123_456);
    return new Agent(task.name(), policy, provenance, null);
  }
}
