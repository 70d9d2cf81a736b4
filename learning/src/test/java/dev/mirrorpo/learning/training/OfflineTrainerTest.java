package dev.mirrorpo.learning.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import dev.mirrorpo.envs.EpisodeStats;
import dev.mirrorpo.envs.Rollouts;
import dev.mirrorpo.envs.Task;
import dev.mirrorpo.learning.HopperPairs;
import dev.mirrorpo.learning.TorchThreads;
import dev.mirrorpo.learning.objectives.Objective;
import dev.mirrorpo.learning.objectives.Objectives;
import dev.mirrorpo.learning.objectives.PairBatch;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Offline training on real trajectories of the committed Hopper agents. */
class OfflineTrainerTest {
  private static final Task HOPPER = HopperPairs.HOPPER;
  private static GaussianPolicy expert;
  private static GaussianPolicy weak;
  /** Expert (chosen) against ref-43 (rejected) from the same start states: a small base dataset. */
  private static PairedTrajectories base;

  @BeforeAll
  static void recordDataset() {
    expert = HopperPairs.agent("expert");
    weak = HopperPairs.agent("ref-43");
    base = HopperPairs.record(expert, weak, 2024, 24, 300);
  }

  @AfterAll
  static void close() {
    expert.close();
    weak.close();
  }

  /** A policy that starts from scratch sees only the data, so its frozen normaliser is the data's. */
  private static GaussianPolicy freshPolicy(long seed) {
    return HopperPairs.fresh(base, seed);
  }

  private static EpisodeStats evaluate(GaussianPolicy policy) {
    return Rollouts.evaluate(HOPPER, policy.sampler(), 20, 99, 1000);
  }

  @Test
  void sftOnExpertTrajectoriesImprovesTheTrueReturn() {
    try (GaussianPolicy policy = freshPolicy(1)) {
      EpisodeStats before = evaluate(policy);
      TrainerConfig config = new TrainerConfig(12, 10, 2, 1e-3, 1.3, 0.1);
      TrainingResult result = new OfflineTrainer(config).train(policy, base, Objectives.create("sft", Map.of()), 5,
          new OfflineTrainer.Listener() {});
      EpisodeStats after = evaluate(policy);
      assertTrue(result.completed(), result.message());
      assertEquals(12 * 12, result.steps());
      assertTrue(result.epochLosses().get(11) < result.epochLosses().get(0), result.epochLosses().toString());
      double margin = 3 * Math.hypot(before.standardError(), after.standardError());
      assertTrue(after.meanReturn() > before.meanReturn() + Math.max(margin, 50),
          "return before " + before + ", after " + after);
    }
  }

  /**
   * Same seed, same weights, even with a full garbage collection after every step: freed native memory
   * read by the backward pass (DJL's Number overloads, see ScalarOps) made such runs differ or diverge.
   */
  @Test
  void sameSeedGivesTheSameWeightsUnderGarbageCollection() {
    TrainerConfig config = new TrainerConfig(2, 1, 2, 1e-3, 1.3, 0.1);
    OfflineTrainer.Listener collectGarbage = new OfflineTrainer.Listener() {
      @Override
      public void stepDone(long step, double loss) {
        System.gc();
      }
    };
    float[][] weights = new float[3][];
    long[] seeds = {7, 7, 8};
    for (int run = 0; run < 3; run++) {
      try (GaussianPolicy policy = freshPolicy(1)) {
        TrainingResult result = new OfflineTrainer(config).train(policy, base, Objectives.create("orpo", Map.of()),
            seeds[run], collectGarbage);
        assertTrue(result.completed(), result.message());
        weights[run] = policy.parameters().values();
      }
    }
    assertArrayEquals(weights[0], weights[1]);
    assertFalse(Arrays.equals(weights[0], weights[2]), "another seed shuffles the pairs differently");
    Evaluator evaluator = new Evaluator(HOPPER, 8, 11, 200);
    try (GaussianPolicy a = freshPolicy(1); GaussianPolicy b = freshPolicy(1)) {
      a.parameters().setValues(weights[0]);
      b.parameters().setValues(weights[1]);
      assertEquals(evaluator.evaluate(a), evaluator.evaluate(b), "same weights, same evaluation");
    }
  }

  /** Trainings on two threads of one JVM at once (as Beam workers run them) match one run alone. */
  @Test
  void concurrentTrainingsMatchASingleOne() throws Exception {
    TrainerConfig config = new TrainerConfig(2, 1, 2, 1e-3, 1.3, 0.1);
    Callable<float[]> training = () -> {
      TorchThreads.applyToCurrentThread();
      try (GaussianPolicy policy = freshPolicy(3)) {
        TrainingResult result = new OfflineTrainer(config).train(policy, base, Objectives.create("simpo", Map.of()), 4,
            new OfflineTrainer.Listener() {});
        assertTrue(result.completed(), result.message());
        return policy.parameters().values();
      }
    };
    float[] alone = training.call();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      List<Future<float[]>> together = threads.invokeAll(List.of(training, training));
      for (Future<float[]> weights : together) {
        assertArrayEquals(alone, weights.get());
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void twoStepObjectiveTrainsSftFirstThenStartsFromPiRef() {
    TrainerConfig config = new TrainerConfig(3, 2, 2, 1e-3, 1.3, 0.1);
    List<Double> stepLosses = new ArrayList<>();
    TrainingResult result;
    try (GaussianPolicy policy = freshPolicy(2)) {
      result = new OfflineTrainer(config).train(policy, base, Objectives.create("dpo", Map.of()), 3,
          new OfflineTrainer.Listener() {
            @Override
            public void stepDone(long step, double loss) {
              stepLosses.add(loss);
            }
          });
    }
    assertTrue(result.completed(), result.message());
    assertEquals(3, result.epochLosses().size());
    int sftSteps = 2 * base.pairs() / 2;
    // SFT losses are negative per-step log-likelihoods, a few nats; the DPO stage starts at π = π_ref,
    // where Δ = 0 and the loss is exactly log 2, then moves away from it.
    assertTrue(stepLosses.get(0) > 1.0, stepLosses.toString());
    assertEquals(Math.log(2), stepLosses.get(sftSteps), 1e-4, "first DPO step");
    assertTrue(stepLosses.get(stepLosses.size() - 1) < Math.log(2), "DPO lowers its loss within an epoch");
  }

  @Test
  void nonFiniteLossStopsTrainingWithAClearStatusAndKeepsTheWeights() {
    Objective poisoned = new Objective() {
      @Override
      public String name() {
        return "poisoned";
      }

      @Override
      public boolean needsReference() {
        return false;
      }

      @Override
      public Map<String, Double> hyperParameters() {
        return Map.of();
      }

      @Override
      public NDArray pairLosses(PairBatch batch) {
        // Finite for the first pairs of the first epoch only: the trainer must notice the first NaN.
        return batch.chosenSum().mul(calls++ < 3 ? 0f : Float.NaN);
      }

      private int calls;
    };
    try (GaussianPolicy policy = freshPolicy(3)) {
      TrainingResult result = new OfflineTrainer(new TrainerConfig(2, 1, 2, 1e-3, 1.3, 0.1)).train(policy, base,
          poisoned, 1, new OfflineTrainer.Listener() {});
      float[] afterThreeSteps = policy.parameters().values();
      assertEquals(TrainingResult.Status.DIVERGED, result.status());
      assertEquals(3, result.steps());
      assertTrue(result.message().contains("poisoned diverged in epoch 1 after 3 steps: loss is NaN"),
          result.message());
      for (float value : afterThreeSteps) {
        assertTrue(Float.isFinite(value), "the step with the NaN loss must not touch the weights");
      }
    }
  }

  @Test
  void datasetOfAnotherTaskIsRefused() {
    PairedTrajectories antData = PairedTrajectories.builder("ant", 27, 8)
        .add(new float[27], new float[8], new float[27], new float[8]).build();
    try (GaussianPolicy policy = freshPolicy(4)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new OfflineTrainer(
          TrainerConfig.paper()).train(policy, antData, Objectives.create("sft", Map.of()), 1,
          new OfflineTrainer.Listener() {}));
      assertTrue(e.getMessage().contains("ant") && e.getMessage().contains("does not fit"), e.getMessage());
    }
  }
}
