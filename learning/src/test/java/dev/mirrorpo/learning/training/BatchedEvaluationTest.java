package dev.mirrorpo.learning.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.mirrorpo.envs.EpisodeStats;
import dev.mirrorpo.envs.Rollouts;
import dev.mirrorpo.envs.Task;
import dev.mirrorpo.envs.Tasks;
import dev.mirrorpo.learning.NumericEnvironment;
import dev.mirrorpo.learning.TestPopulations;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.policy.PolicyPopulation;
import org.junit.jupiter.api.Test;

/**
 * A population evaluated as one batched program scores each member exactly as the one-at-a-time Evaluator does:
 * the same episodes, start states and action noise, whatever its batch mates; and, with the pinned numerics, as
 * the policy's own sampler plays them (the evaluator before populations).
 */
class BatchedEvaluationTest {
  /** Two batches of episodes per member, the second of another size. */
  private static final int EPISODES = Rollouts.MAX_BATCH + 2;
  private static final long SEED = 7;
  private static final int LENGTH = 60;

  private static EpisodeStats[] oneAtATime(Evaluator evaluator, PolicyPopulation population) {
    EpisodeStats[] stats = new EpisodeStats[population.size()];
    for (int k = 0; k < stats.length; k++) {
      try (GaussianPolicy alone = population.member(k)) {
        stats[k] = evaluator.evaluate(alone);
        if (NumericEnvironment.PINNED.equals(NumericEnvironment.mode())) {
          assertEquals(Rollouts.evaluate(evaluator.task(), alone.sampler(), evaluator.episodes(), SEED, LENGTH),
              stats[k], "member " + k + " alone, through a population of one and through its own sampler");
        }
      }
    }
    return stats;
  }

  @Test
  void hopperMembersScoreAsAloneInPopulationsOfOneTwoAndFour() {
    Evaluator evaluator = new Evaluator(Tasks.byName("hopper"), EPISODES, SEED, LENGTH);
    try (PolicyPopulation four = TestPopulations.perturbed("hopper/expert", 4, 11)) {
      EpisodeStats[] alone = oneAtATime(evaluator, four);
      assertNotEquals(alone[0].meanReturn(), alone[1].meanReturn(), "the members are different policies");
      for (int[] members : new int[][] {{0}, {1, 2}, {0, 1, 2, 3}, {3, 2, 1, 0}}) {
        try (PolicyPopulation population = four.select(members)) {
          EpisodeStats[] batched = evaluator.evaluate(population);
          assertEquals(members.length, batched.length);
          for (int i = 0; i < members.length; i++) {
            assertEquals(alone[members[i]], batched[i], "member " + members[i] + " as member " + i + " of "
                + members.length);
          }
        }
      }
    }
  }

  @Test
  void threeLeggedAntMembersScoreAsAlone() {
    Task tla = Tasks.byName("tla");
    Evaluator evaluator = new Evaluator(tla, 3, SEED, LENGTH);
    try (PolicyPopulation two = TestPopulations.perturbed("ant/original", 2, 13)) {
      EpisodeStats[] alone = oneAtATime(evaluator, two);
      EpisodeStats[] batched = evaluator.evaluate(two);
      for (int k = 0; k < 2; k++) {
        assertEquals(alone[k], batched[k], "member " + k);
      }
    }
  }
}
