package dev.mirrorpo.envs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VecEnvDeterminismTest {

  /** Observations of a 200-step random-action rollout of 3 environments, concatenated. */
  private static float[] rollout(String taskName, long[] seeds, long actionSeed) {
    Task task = Tasks.byName(taskName);
    List<float[]> frames = new ArrayList<>();
    try (VecEnv env = new VecEnv(task, seeds.length)) {
      frames.add(env.reset(seeds));
      // One action stream per environment, so an environment's actions do not depend on its batch.
      SplittableRandom[] rngs = new SplittableRandom[seeds.length];
      Arrays.setAll(rngs, i -> new SplittableRandom(actionSeed * 1000 + seeds[i]));
      int nu = task.actionSize();
      float[] actions = new float[seeds.length * nu];
      for (int t = 0; t < 200; t++) {
        for (int k = 0; k < actions.length; k++) {
          actions[k] = (float) rngs[k / nu].nextDouble(-1, 1);
        }
        frames.add(env.step(actions).observations());
      }
    }
    int total = frames.stream().mapToInt(f -> f.length).sum();
    float[] all = new float[total];
    int at = 0;
    for (float[] f : frames) {
      System.arraycopy(f, 0, all, at, f.length);
      at += f.length;
    }
    return all;
  }

  @ParameterizedTest
  @ValueSource(strings = {"hopper", "ant", "tla"})
  void sameSeedsGiveBitIdenticalObservations(String task) {
    float[] first = rollout(task, new long[] {1, 2, 3}, 42);
    float[] second = rollout(task, new long[] {1, 2, 3}, 42);
    assertEquals(first.length, second.length);
    for (int i = 0; i < first.length; i++) {
      assertEquals(Float.floatToRawIntBits(first[i]), Float.floatToRawIntBits(second[i]), "entry " + i);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"hopper", "ant", "tla"})
  void differentSeedsGiveDifferentObservations(String task) {
    float[] first = rollout(task, new long[] {1, 2, 3}, 42);
    float[] otherStart = rollout(task, new long[] {4, 5, 6}, 42);
    assertFalse(Arrays.equals(first, otherStart));
  }

  @ParameterizedTest
  @ValueSource(strings = {"hopper", "ant"})
  void environmentOfABatchMatchesTheSameEnvironmentAlone(String task) {
    // Batching must not couple environments: env 1 of a batch equals a batch of one with its seed.
    float[] batched = rollout(task, new long[] {7, 8}, 3);
    float[] alone = rollout(task, new long[] {8}, 3);
    int obs = Tasks.byName(task).observationSize();
    for (int frame = 0; frame <= 200; frame++) {
      assertArrayEquals(
          Arrays.copyOfRange(alone, frame * obs, (frame + 1) * obs),
          Arrays.copyOfRange(batched, (2 * frame + 1) * obs, (2 * frame + 2) * obs),
          "frame " + frame);
    }
  }
}
