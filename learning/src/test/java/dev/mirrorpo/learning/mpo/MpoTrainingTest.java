package dev.mirrorpo.learning.mpo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import dev.mirrorpo.learning.HopperPairs;
import dev.mirrorpo.learning.objectives.Objective;
import dev.mirrorpo.learning.objectives.Objectives;
import dev.mirrorpo.learning.objectives.PairBatch;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.training.OfflineTrainer;
import dev.mirrorpo.learning.training.PairedTrajectories;
import dev.mirrorpo.learning.training.TrainerConfig;
import dev.mirrorpo.learning.training.TrainingResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** MPO objectives in the offline trainer, on a tiny dataset of real Hopper pairs. */
class MpoTrainingTest {
  /** 3 epochs (two-step: 1 SFT + 2 PO), 2 pairs per step. */
  private static final TrainerConfig CONFIG = new TrainerConfig(3, 1, 2, 1e-3, 1.3, 0.1);
  private static PairedTrajectories data;

  @BeforeAll
  static void recordDataset() {
    try (GaussianPolicy expert = HopperPairs.agent("expert"); GaussianPolicy weak = HopperPairs.agent("ref-43")) {
      data = HopperPairs.record(expert, weak, 2024, 6, 120);
    }
  }

  private static float[] train(Objective objective, long seed) {
    try (GaussianPolicy policy = HopperPairs.fresh(data, 1)) {
      TrainingResult result = new OfflineTrainer(CONFIG).train(policy, data, objective, seed,
          new OfflineTrainer.Listener() {});
      assertTrue(result.completed(), result.message());
      assertEquals(3 * 3, result.steps());
      return policy.parameters().values();
    }
  }

  @Test
  void shortRunsCompleteAndAreDeterministic() {
    for (MpoConfig config : new MpoConfig[] {MpoConfig.oneStep(true, true, true), MpoConfig.twoStep(true, true)}) {
      MpoObjective objective = MpoObjective.create(config, MpoFunctionsTest.perturbed(config, 3, 0.03));
      float[] first = train(objective, 7);
      float[] again = train(MpoObjective.create(config, objective.zeta()), 7);
      float[] otherSeed = train(objective, 8);
      for (float w : first) {
        assertTrue(Float.isFinite(w), config.describe());
      }
      assertArrayEquals(first, again, config.describe() + ": same seed, same weights");
      assertFalse(Arrays.equals(first, otherSeed), config.describe() + ": another seed shuffles differently");
      try (GaussianPolicy untrained = HopperPairs.fresh(data, 1)) {
        assertFalse(Arrays.equals(first, untrained.parameters().values()), "training moved the weights");
      }
    }
  }

  @Test
  void theStartPointTrainsLikeOrpoAndDpo() {
    Objective[][] cases = {
      {Objectives.create("orpo", Map.of("lambda", 0.5)), MpoObjective.initial(MpoConfig.oneStep(true, true, true))},
      {Objectives.create("dpo", Map.of("beta", 0.5)), MpoObjective.initial(MpoConfig.twoStep(true, true))},
    };
    for (Objective[] pair : cases) {
      float[] baseline = train(pair[0], 5);
      float[] mpo = train(pair[1], 5);
      double largest = 0;
      for (int k = 0; k < baseline.length; k++) {
        largest = Math.max(largest, Math.abs(baseline[k] - mpo[k]));
      }
      // Adam normalises each step: float32-level differences of the gradients stay float32-level.
      assertTrue(largest < 1e-5, pair[0].name() + ": weights differ by up to " + largest);
    }
  }

  /** Wraps an MPO objective and records which epoch's objective computed each minibatch's loss. */
  private static final class Recording implements Objective {
    final Objective delegate;
    final int epoch;
    final List<String> log;

    Recording(Objective delegate, int epoch, List<String> log) {
      this.delegate = delegate;
      this.epoch = epoch;
      this.log = log;
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public boolean needsReference() {
      return delegate.needsReference();
    }

    @Override
    public Map<String, Double> hyperParameters() {
      return delegate.hyperParameters();
    }

    @Override
    public Objective forEpoch(int n, int epochs) {
      log.add("forEpoch(" + n + ", " + epochs + ")");
      return new Recording(delegate.forEpoch(n, epochs), n, log);
    }

    @Override
    public NDArray pairLosses(PairBatch batch) {
      log.add("loss in " + epoch + " at t " + ((MpoObjective) delegate).progress());
      return delegate.pairLosses(batch);
    }
  }

  @Test
  void theTrainerTellsTheObjectiveItsEpoch() {
    List<String> log = new ArrayList<>();
    train(new Recording(MpoObjective.initial(MpoConfig.oneStep(false, true, true)), -1, log), 2);
    List<String> expected = new ArrayList<>();
    for (int epoch = 0; epoch < 3; epoch++) {
      expected.add("forEpoch(" + epoch + ", 3)");
      for (int step = 0; step < 3; step++) {
        expected.add("loss in " + epoch + " at t " + epoch / 3.0);
      }
    }
    assertEquals(expected, log);

    // Two-step: SFT runs epoch 0 with its own objective; the MPO stage sees epochs 1 and 2 of 3.
    log.clear();
    train(new Recording(MpoObjective.initial(MpoConfig.twoStep(true, true)), -1, log), 2);
    expected.clear();
    for (int epoch = 1; epoch < 3; epoch++) {
      expected.add("forEpoch(" + epoch + ", 3)");
      for (int step = 0; step < 3; step++) {
        expected.add("loss in " + epoch + " at t " + epoch / 3.0);
      }
    }
    assertEquals(expected, log);
  }
}
