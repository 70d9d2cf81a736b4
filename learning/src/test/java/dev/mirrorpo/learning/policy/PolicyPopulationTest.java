package dev.mirrorpo.learning.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.mirrorpo.envs.Task;
import dev.mirrorpo.envs.Tasks;
import dev.mirrorpo.learning.NumericEnvironment;
import dev.mirrorpo.learning.TestPopulations;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A population's members compute, batched, the bits each computes alone. */
class PolicyPopulationTest {
  private static final int[] ROWS = {1, 2, 7, 36, 64, 100};

  private static String agent(String task) {
    return task.equals("hopper") ? "hopper/expert" : "ant/original";
  }

  private static float[] observations(int count, SplittableRandom rng) {
    float[] observations = new float[count];
    for (int i = 0; i < observations.length; i++) {
      observations[i] = (float) (2 * rng.nextGaussian());
    }
    return observations;
  }

  /** Member k's means in a population of K, for each its own observations, [K, N, obs] → [K, N, act]. */
  private static float[] means(PolicyPopulation population, float[] observations, int rows, int obs) {
    return population.actionMeans(population.manager().create(observations, new Shape(population.size(), rows, obs)))
        .toFloatArray();
  }

  @ParameterizedTest
  @ValueSource(strings = {"hopper", "ant"})
  void eachMembersMeansAreThoseItHasInAPopulationOfOne(String taskName) {
    Task task = Tasks.byName(taskName);
    int obs = task.observationSize();
    int act = task.actionSize();
    SplittableRandom rng = new SplittableRandom(3);
    try (PolicyPopulation sixteen = TestPopulations.perturbed(agent(taskName), 16, 5)) {
      for (int members : new int[] {2, 4, 16}) {
        int[] first = new int[members];
        Arrays.setAll(first, k -> k);
        try (PolicyPopulation population = sixteen.select(first)) {
          for (int rows : ROWS) {
            float[] observations = observations(members * rows * obs, rng);
            float[] batched = means(population, observations, rows, obs);
            for (int k = 0; k < members; k++) {
              try (PolicyPopulation alone = population.select(k)) {
                float[] own = Arrays.copyOfRange(observations, k * rows * obs, (k + 1) * rows * obs);
                assertArrayEquals(means(alone, own, rows, obs),
                    Arrays.copyOfRange(batched, k * rows * act, (k + 1) * rows * act),
                    "member " + k + " of " + members + ", " + rows + " rows");
              }
            }
          }
        }
      }
    }
  }

  /**
   * With the pinned numerics, a population of one computes the bits of the policy's own forward pass, so results
   * evaluated through a population are those of the plain policy. (Not so with MIRRORPO_NUMERICS=native: there MKL
   * takes another path for a product of one or two rows than for the batched one.)
   */
  @ParameterizedTest
  @ValueSource(strings = {"hopper", "ant"})
  void underPinnedNumericsAMemberComputesThePoliciesOwnMeans(String taskName) {
    assumeTrue(NumericEnvironment.PINNED.equals(NumericEnvironment.mode()), "the numerics are not pinned");
    Task task = Tasks.byName(taskName);
    int obs = task.observationSize();
    int act = task.actionSize();
    SplittableRandom rng = new SplittableRandom(4);
    try (PolicyPopulation four = TestPopulations.perturbed(agent(taskName), 4, 6);
        NDManager manager = NDManager.newBaseManager("PyTorch")) {
      for (int rows : ROWS) {
        float[] observations = observations(4 * rows * obs, rng);
        float[] batched = means(four, observations, rows, obs);
        for (int k = 0; k < 4; k++) {
          try (GaussianPolicy policy = four.member(k)) {
            float[] own = Arrays.copyOfRange(observations, k * rows * obs, (k + 1) * rows * obs);
            assertArrayEquals(policy.mean(manager.create(own, new Shape(rows, obs))).toFloatArray(),
                Arrays.copyOfRange(batched, k * rows * act, (k + 1) * rows * act), "member " + k + ", " + rows + " rows");
          }
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void selectKeepsTheChosenMembersInOrder(int firstChosen) {
    try (PolicyPopulation population = TestPopulations.perturbed("hopper/expert", 4, 7);
        PolicyPopulation selected = population.select(firstChosen, 0)) {
      assertEquals(2, selected.size());
      assertArrayEquals(population.memberValues(firstChosen), selected.memberValues(0));
      assertArrayEquals(population.memberValues(0), selected.memberValues(1));
      try (GaussianPolicy original = population.member(0); GaussianPolicy copy = selected.member(1)) {
        assertArrayEquals(original.normalizer().statistics().mean(), copy.normalizer().statistics().mean());
      }
    }
  }
}
