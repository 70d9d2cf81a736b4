package dev.mirrorpo.envs;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Policies that need no training: the baselines every trained agent is compared against. */
public final class SimplePolicies {
  public static final List<String> NAMES = List.of("random", "zero");

  private SimplePolicies() {}

  /**
   * The named policy for {@code numEnvs} environments of a task.
   *
   * @param seed seeds the random policy; environment i draws from its own stream, so its actions do
   *     not depend on how many environments share the batch
   */
  public static BatchPolicy byName(String name, Task task, int numEnvs, long seed) {
    return switch (name) {
      case "random" -> uniform(task.actionSize(), numEnvs, seed);
      case "zero" -> (observations, running) -> new float[numEnvs * task.actionSize()];
      default -> throw new IllegalArgumentException(
          "unknown policy '" + name + "'; valid policies: " + String.join(", ", NAMES));
    };
  }

  /** Actions drawn uniformly from the control range [-1, 1]. */
  public static BatchPolicy uniform(int actionSize, int numEnvs, long seed) {
    SplittableRandom[] streams = new SplittableRandom[numEnvs];
    SplittableRandom root = new SplittableRandom(seed);
    Arrays.setAll(streams, i -> root.split());
    return (observations, running) -> {
      float[] actions = new float[numEnvs * actionSize];
      for (int i = 0; i < numEnvs; i++) {
        for (int j = 0; j < actionSize; j++) {
          actions[i * actionSize + j] = (float) streams[i].nextDouble(-1, 1);
        }
      }
      return actions;
    };
  }
}
