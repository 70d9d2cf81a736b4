package dev.mirrorpo.learning.training;

import dev.mirrorpo.envs.EpisodeStats;
import dev.mirrorpo.envs.Rollouts;
import dev.mirrorpo.envs.Task;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.policy.PolicyPopulation;

/**
 * The fitness of a trained policy (docs/design.md §9): its mean true return and standard error over a fixed
 * set of episodes on the task, with stochastic actions (the policy as trained, like the paper's).
 * The episodes' start states and action noise come from {@code seed} alone, so every policy of a run
 * meets the same episodes and two evaluations of one policy agree exactly. A population is evaluated as one
 * batched program, and each member's statistics are bit for bit those it gets evaluated alone, whatever its
 * batch mates (docs/training.md, "Batched evaluation").
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
    // As a population of one, so that a policy scores alone what it scores in any population under any numerics:
    // unpinned, MKL may round a product of a few rows otherwise than the batched one (PolicyPopulationTest).
    try (PolicyPopulation alone = PolicyPopulation.replicate(policy, 1)) {
      return evaluate(alone)[0];
    }
  }

  /**
   * Every member of {@code population}, their episodes side by side in one VecEnv per batch of episodes with
   * one policy forward pass per step for all of them.
   *
   * @return each member's statistics, in member order
   */
  public EpisodeStats[] evaluate(PolicyPopulation population) {
    return Rollouts.evaluate(task, population.sampler(), population.size(), episodes, seed, length);
  }
}
