package dev.mirrorpo.envs;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Runs whole episodes of a policy, many environments per native step. */
public final class Rollouts {
  /**
   * Episodes of one policy advanced together; more buys little once the per-call overhead is amortised, and
   * every environment holds a MuJoCo mjData of about 3 MB.
   */
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
    return evaluate(task, policies, 1, episodes, seed, maxEpisodeSteps)[0];
  }

  /**
   * Plays the same {@code episodes} episodes with each of {@code members} policies side by side, so that one
   * call of the policy per step serves every member (a population evaluated as one batched program), and
   * summarises each member's. A member's episodes are those it plays alone: the same start states, the
   * same seeds, and the same {@link #MAX_BATCH}-episode batches, so that its policy sees batches of the
   * same size whatever {@code members} is (a matrix product may round a row differently for another row
   * count).
   *
   * @param policies makes the policy of each batch: of n episodes per member, {@code members · n}
   *     environments, member m's the rows [m·n, (m + 1)·n), each given its episode's seed
   * @return each member's statistics, in member order
   */
  public static EpisodeStats[] evaluate(Task task, PolicyFactory policies, int members, int episodes, long seed,
      int maxEpisodeSteps) {
    if (episodes < 1) {
      throw new IllegalArgumentException("episodes must be at least 1, got " + episodes);
    }
    if (members < 1) {
      throw new IllegalArgumentException("members must be at least 1, got " + members);
    }
    long[] episodeSeeds = episodeSeeds(seed, episodes);
    double[][] returns = new double[members][episodes];
    int[][] lengths = new int[members][episodes];
    int[] unstable = new int[members];
    for (int first = 0; first < episodes; first += MAX_BATCH) {
      int size = Math.min(MAX_BATCH, episodes - first);
      int environments = members * size;
      try (VecEnv env = new VecEnv(task, environments, maxEpisodeSteps, true)) {
        long[] batchSeeds = new long[environments];
        for (int m = 0; m < members; m++) {
          System.arraycopy(episodeSeeds, first, batchSeeds, m * size, size);
        }
        float[] observations = env.reset(batchSeeds);
        BatchPolicy policy = policies.create(batchSeeds);
        boolean[] running = new boolean[environments];
        Arrays.fill(running, true);
        int remaining = environments;
        while (remaining > 0) {
          Step step = env.step(policy.act(observations, running));
          observations = step.observations();
          for (int i = 0; i < environments; i++) {
            if (!step.stepped()[i]) {
              continue;
            }
            int member = i / size;
            int episode = first + i % size;
            returns[member][episode] += step.rewards()[i];
            if (step.done(i)) {
              lengths[member][episode] = step.episodeSteps()[i];
              unstable[member] += step.unstable()[i] ? 1 : 0;
              running[i] = false;
              remaining--;
            }
          }
        }
      }
    }
    EpisodeStats[] stats = new EpisodeStats[members];
    for (int m = 0; m < members; m++) {
      stats[m] = EpisodeStats.of(returns[m], lengths[m], unstable[m]);
    }
    return stats;
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
