package dev.mirrorpo.learning.training;

import dev.mirrorpo.envs.EpisodeStats;
import dev.mirrorpo.envs.Rollouts;
import dev.mirrorpo.envs.Task;
import dev.mirrorpo.learning.policy.GaussianPolicy;

/**
 * The fitness of a trained policy (docs/design.md §9): its mean true return and standard error over a fixed
 * set of episodes on the task, with stochastic actions (the policy as trained, like the paper's).
 * The episodes' start states and action noise come from {@code seed} alone, so every policy of a run
 * meets the same episodes and two evaluations of one policy agree exactly.
 *
 * @param episodes 100 in the paper
 * @param length step limit of an episode (1000 for the MuJoCo tasks)
 */
public record Evaluator(Task task, int episodes, long seed, int length) {
  public static final int PAPER_EPISODES = 100;
  public static final int PAPER_LENGTH = 1000;

  public Evaluator {
    if (episodes < 2 || length < 1) {
      throw new IllegalArgumentException("an evaluation needs at least 2 episodes (for a standard error) and a"
          + " length of at least 1; got " + episodes + " episodes of length " + length);
    }
  }

  public EpisodeStats evaluate(GaussianPolicy policy) {
    return Rollouts.evaluate(task, policy.sampler(), episodes, seed, length);
  }
}
