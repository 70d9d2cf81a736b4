package dev.mirrorpo.envs;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Policies that need no training: the baselines every trained agent is compared against. */
public final class SimplePolicies {
  public static final List<String> NAMES = List.of("random", "zero");

  private SimplePolicies() {}

  /**
   * The named policy for a task.
   *
   * @throws IllegalArgumentException listing the valid names for an unknown one
   */
  public static PolicyFactory byName(String name, Task task) {
    return switch (name) {
      case "random" -> episodeSeeds -> uniform(task.actionSize(), episodeSeeds);
      case "zero" -> episodeSeeds -> (observations, running) -> new float[episodeSeeds.length * task.actionSize()];
      default -> throw new IllegalArgumentException(
          "unknown policy '" + name + "'; valid policies: " + String.join(", ", NAMES));
    };
  }

  /** Actions drawn uniformly from the control range [-1, 1], each episode from its own stream. */
  public static BatchPolicy uniform(int actionSize, long[] episodeSeeds) {
    int numEnvs = episodeSeeds.length;
    SplittableRandom[] streams = new SplittableRandom[numEnvs];
    Arrays.setAll(streams, i -> Rollouts.actionStream(episodeSeeds[i]));
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
