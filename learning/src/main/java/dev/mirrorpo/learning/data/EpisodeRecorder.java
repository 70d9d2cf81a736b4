package dev.mirrorpo.learning.data;

import dev.mirrorpo.envs.Step;
import dev.mirrorpo.envs.Task;
import dev.mirrorpo.envs.VecEnv;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.schemas.Trajectory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Plays episodes of one agent together, one environment each, and records every step. */
final class EpisodeRecorder {
  private EpisodeRecorder() {}

  /**
   * Episode i starts from {@code startSeeds[i]} and samples its actions from its own stream
   * seeded with {@code noiseSeeds[i]}; each row of the policy's batch sees only its own stream.
   *
   * @return the trajectories, in the order of the seeds
   */
  static List<Trajectory> play(Task task, GaussianPolicy policy, AgentRole role, long[] startSeeds,
      long[] noiseSeeds, int length) {
    int n = startSeeds.length;
    int observationSize = task.observationSize();
    int actionSize = task.actionSize();
    float[][] observations = new float[n][length * observationSize];
    float[][] actions = new float[n][length * actionSize];
    float[][] rewards = new float[n][length];
    double[] returns = new double[n];
    int[] steps = new int[n];
    boolean[] terminated = new boolean[n];
    SplittableRandom[] noise = new SplittableRandom[n];
    for (int i = 0; i < n; i++) {
      noise[i] = new SplittableRandom(noiseSeeds[i]);
    }
    try (VecEnv env = new VecEnv(task, n, length, true)) {
      float[] state = env.reset(startSeeds);
      boolean[] running = new boolean[n];
      Arrays.fill(running, true);
      int remaining = n;
      while (remaining > 0) {
        float[] action = policy.sample(state, noise);
        for (int i = 0; i < n; i++) {
          if (running[i]) {
            System.arraycopy(state, i * observationSize, observations[i], steps[i] * observationSize, observationSize);
            System.arraycopy(action, i * actionSize, actions[i], steps[i] * actionSize, actionSize);
          }
        }
        Step step = env.step(action);
        for (int i = 0; i < n; i++) {
          if (!step.stepped()[i]) {
            continue;
          }
          rewards[i][steps[i]] = (float) step.rewards()[i];
          returns[i] += step.rewards()[i];
          steps[i]++;
          if (step.done(i)) {
            terminated[i] = step.terminated()[i];
            running[i] = false;
            remaining--;
          }
        }
        state = step.observations();
      }
    }
    List<Trajectory> trajectories = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int t = steps[i];
      trajectories.add(Trajectory.newBuilder()
          .setAgent(role.label())
          .setLength(t)
          .setTerminated(terminated[i])
          .setTrueReturn(returns[i])
          .setObservations(new FloatArrayList(Arrays.copyOf(observations[i], t * observationSize)))
          .setActions(new FloatArrayList(Arrays.copyOf(actions[i], t * actionSize)))
          .setRewards(new FloatArrayList(Arrays.copyOf(rewards[i], t)))
          .build());
    }
    return trajectories;
  }
}
