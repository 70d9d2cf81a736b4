package dev.mirrorpo.learning.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import dev.mirrorpo.learning.HopperPairs;
import dev.mirrorpo.learning.mpo.MpoConfig;
import dev.mirrorpo.learning.mpo.MpoLayout;
import dev.mirrorpo.learning.mpo.MpoObjective;
import dev.mirrorpo.learning.mpo.MpoPopulation;
import dev.mirrorpo.learning.objectives.PairBatch;
import dev.mirrorpo.learning.objectives.PopulationObjective;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Population-batched training against one-at-a-time training, on real Hopper pairs. */
class PopulationTrainerTest {
  private static final TrainerConfig CONFIG = new TrainerConfig(3, 2, 2, 1e-3, 1.3, 0.1);
  private static final long SEED = 5;
  private static PairedTrajectories data;
  private static GaussianPolicy start;

  @BeforeAll
  static void record() {
    try (GaussianPolicy expert = HopperPairs.agent("expert"); GaussianPolicy weak = HopperPairs.agent("ref-43")) {
      data = HopperPairs.record(expert, weak, 2024, 10, 250);
    }
    start = HopperPairs.fresh(data, 3);
  }

  @AfterAll
  static void close() {
    start.close();
  }

  /** MPO objectives near the start point (ζ + 0.03·ε, as an ES generation's candidates). */
  private static List<MpoObjective> candidates(MpoConfig config, long seed, int count) {
    float[] initial = MpoLayout.initial(config);
    SplittableRandom rng = new SplittableRandom(seed);
    List<MpoObjective> objectives = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      float[] zeta = initial.clone();
      for (int i = 0; i < zeta.length; i++) {
        zeta[i] += (float) (0.03 * rng.nextGaussian());
      }
      objectives.add(MpoObjective.create(config, zeta));
    }
    return objectives;
  }

  /** The weights {@code objective} trains alone, with OfflineTrainer. */
  private static float[] alone(MpoObjective objective, List<TrainingResult> results) {
    try (GaussianPolicy policy = start.copy()) {
      results.add(new OfflineTrainer(CONFIG).train(policy, data, objective, SEED, new OfflineTrainer.Listener() {}));
      return policy.parameters().values();
    }
  }

  /** Member {@code k}'s weights after training {@code objectives} as one population. */
  private static float[] member(List<MpoObjective> objectives, int k) {
    try (PopulationTrainer.Trained trained = new PopulationTrainer(CONFIG).train(start, data,
        MpoPopulation.of(objectives), SEED, new PopulationTrainer.Listener() {})) {
      assertTrue(trained.results().get(k).completed(), trained.results().get(k).message());
      return trained.population().memberValues(k);
    }
  }

  /**
   * Every member's arithmetic is its own: the batched products compute each member's slice as the one policy's
   * products do, and the likelihood, the clip and Adam run per member in Java. So a member trains bit for bit as
   * it trains alone.
   */
  private static void assertMatchesOneAtATime(MpoConfig config) {
    List<MpoObjective> objectives = candidates(config, 11, 3);
    List<float[]> alone = new ArrayList<>();
    List<TrainingResult> aloneResults = new ArrayList<>();
    for (MpoObjective objective : objectives) {
      alone.add(alone(objective, aloneResults));
    }
    try (PopulationTrainer.Trained trained = new PopulationTrainer(CONFIG).train(start, data,
        MpoPopulation.of(objectives), SEED, new PopulationTrainer.Listener() {})) {
      for (int k = 0; k < 3; k++) {
        assertEquals(aloneResults.get(k), trained.results().get(k), "member " + k);
        assertArrayEquals(alone.get(k), trained.population().memberValues(k), "member " + k);
      }
    }
  }

  @Test
  void oneStepMembersTrainLikeTheirOneAtATimeTraining() {
    assertMatchesOneAtATime(MpoConfig.oneStep(true, true, false));
  }

  @Test
  void twoStepMembersShareTheSftStageAndTrainLikeTheirOneAtATimeTraining() {
    assertMatchesOneAtATime(MpoConfig.twoStep(true, false));
  }

  /**
   * The search's batch size B is a speed setting because of this: candidate 2 of a generation trains to the same
   * bits in populations of 1, 2 and 4, with other batch mates at other places.
   */
  @Test
  void aMemberTrainsTheSameWhateverItsBatchMates() {
    MpoConfig config = MpoConfig.oneStep(true, true, true);
    List<MpoObjective> four = candidates(config, 12, 4);
    float[] inFour = member(four, 2);
    assertArrayEquals(inFour, member(List.of(four.get(2)), 0), "alone");
    assertArrayEquals(inFour, member(List.of(four.get(2), four.get(0)), 0), "first of two");
    assertArrayEquals(inFour, member(List.of(four.get(3), four.get(2)), 1), "second of two");
    assertArrayEquals(inFour, member(List.of(four.get(1), four.get(3), four.get(0), four.get(2)), 3),
        "last of four, other order");
  }

  @Test
  void aDivergingMemberIsFrozenWhileTheOthersTrainOn() {
    MpoConfig config = MpoConfig.oneStep(true, true, false);
    List<MpoObjective> objectives = candidates(config, 13, 3);
    int poisonedStep = 4;
    PopulationObjective poisoned = new PoisonMember(MpoPopulation.of(objectives), 1, poisonedStep, new int[1]);
    float[][] clean = new float[3][];
    float[] startValues = start.parameters().values();
    try (PopulationTrainer.Trained healthy = new PopulationTrainer(CONFIG).train(start, data,
        MpoPopulation.of(objectives), SEED, new PopulationTrainer.Listener() {})) {
      for (int k = 0; k < 3; k++) {
        clean[k] = healthy.population().memberValues(k);
      }
    }
    try (PopulationTrainer.Trained trained = new PopulationTrainer(CONFIG).train(start, data, poisoned, SEED,
        new PopulationTrainer.Listener() {})) {
      TrainingResult sick = trained.results().get(1);
      assertEquals(TrainingResult.Status.DIVERGED, sick.status());
      assertEquals(poisonedStep - 1, sick.steps());
      assertTrue(sick.message().startsWith("mpo diverged in epoch 1 after 3 steps: loss is NaN"), sick.message());
      assertTrue(trained.results().get(0).completed() && trained.results().get(2).completed());
      assertArrayEquals(clean[0], trained.population().memberValues(0));
      assertArrayEquals(clean[2], trained.population().memberValues(2));
      float[] frozen = trained.population().memberValues(1);
      assertTrue(!java.util.Arrays.equals(frozen, startValues) && !java.util.Arrays.equals(frozen, clean[1]),
          "the diverged member keeps the weights of its last finite step");
    }
  }

  /** A population whose member {@code member} gets a NaN loss from its {@code step}-th step (1-based) on. */
  private record PoisonMember(PopulationObjective inner, int member, int step, int[] calls)
      implements PopulationObjective {
    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public int size() {
      return inner.size();
    }

    @Override
    public boolean needsReference() {
      return inner.needsReference();
    }

    @Override
    public PopulationObjective forEpoch(int epoch, int epochs) {
      return new PoisonMember(inner.forEpoch(epoch, epochs), member, step, calls);
    }

    @Override
    public NDArray losses(PairBatch batch) {
      NDArray losses = inner.losses(batch);
      if (++calls[0] < step) {
        return losses;
      }
      float[] factors = new float[size()];
      java.util.Arrays.fill(factors, 1);
      factors[member] = Float.NaN;
      return losses.mul(losses.getManager().create(factors));
    }
  }
}
