package dev.mirrorpo.learning;

import dev.mirrorpo.learning.policy.AgentFile;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.policy.PolicyPopulation;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Populations of different policies that play like trained ones, built without training. */
public final class TestPopulations {
  private TestPopulations() {}

  /**
   * A committed agent (agents/{@code agent}.agent.json) K times, every weight of member k nudged by its own noise:
   * members that walk, and differently.
   */
  public static PolicyPopulation perturbed(String agent, int members, long seed) {
    try (GaussianPolicy policy = AgentFile.read(Path.of("..", "agents", agent + ".agent.json")).policy()) {
      float[] values = policy.parameters().values();
      float[][] memberValues = new float[members][];
      SplittableRandom rng = new SplittableRandom(seed);
      for (int k = 0; k < members; k++) {
        memberValues[k] = values.clone();
        for (int i = 0; i < values.length; i++) {
          memberValues[k][i] += (float) (0.02 * rng.nextGaussian());
        }
      }
      PolicyPopulation population = PolicyPopulation.replicate(policy, members);
      population.setMemberValues(memberValues);
      return population;
    }
  }
}
