package dev.mirrorpo.envs;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Runs whole episodes of a policy, many environments per native step. */
public final class Rollouts {
  /** Environments advanced together; more buys little once the per-call overhead is amortised. */
  public static final int MAX_BATCH = 64;

  private Rollouts() {}

  /**
   * Plays {@code episodes} episodes and summarises them. Episode i starts from a seed derived from
   * (seed, i), so the result depends only on the arguments, not on the batch size.
   *
   * @param policies makes the policy of each batch of episodes
   */
  public static EpisodeStats evaluate(Task task, PolicyFactory policies, int episodes, long seed,
      int maxEpisodeSteps) {
    if (episodes < 1) {
      throw new IllegalArgumentException("episodes must be at least 1, got " + episodes);
    }
    long[] episodeSeeds = episodeSeeds(seed, episodes);
    double[] returns = new double[episodes];
    int[] lengths = new int[episodes];
    int unstable = 0;
    for (int first = 0; first < episodes; first += MAX_BATCH) {
      int size = Math.min(MAX_BATCH, episodes - first);
      try (VecEnv env = new VecEnv(task, size, maxEpisodeSteps, true)) {
        long[] batchSeeds = Arrays.copyOfRange(episodeSeeds, first, first + size);
        float[] observations = env.reset(batchSeeds);
        BatchPolicy policy = policies.create(batchSeeds);
        boolean[] running = new boolean[size];
        Arrays.fill(running, true);
        int remaining = size;
        while (remaining > 0) {
          Step step = env.step(policy.act(observations, running));
          observations = step.observations();
          for (int i = 0; i < size; i++) {
            if (!step.stepped()[i]) {
              continue;
            }
            returns[first + i] += step.rewards()[i];
            if (step.done(i)) {
              lengths[first + i] = step.episodeSteps()[i];
              unstable += step.unstable()[i] ? 1 : 0;
              running[i] = false;
              remaining--;
            }
          }
        }
      }
    }
    return EpisodeStats.of(returns, lengths, unstable);
  }

  /**
   * The action-noise stream of the episode that starts from {@code episodeSeed}: a split of the
   * reset stream, so the two never share numbers.
   */
  public static SplittableRandom actionStream(long episodeSeed) {
    return new SplittableRandom(episodeSeed).split();
  }

  /** The start-state seed of every episode of a run, derived from the run's seed. */
  public static long[] episodeSeeds(long seed, int episodes) {
    SplittableRandom root = new SplittableRandom(seed);
    long[] seeds = new long[episodes];
    for (int i = 0; i < episodes; i++) {
      seeds[i] = root.nextLong();
    }
    return seeds;
  }
}
