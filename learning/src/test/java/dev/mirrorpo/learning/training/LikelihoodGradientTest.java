package dev.mirrorpo.learning.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.mirrorpo.learning.HopperPairs;
import dev.mirrorpo.learning.RelativeToLargest;
import dev.mirrorpo.learning.mpo.MpoConfig;
import dev.mirrorpo.learning.mpo.MpoLayout;
import dev.mirrorpo.learning.mpo.MpoObjective;
import dev.mirrorpo.learning.mpo.MpoPopulation;
import dev.mirrorpo.learning.nn.GradientTape;
import dev.mirrorpo.learning.objectives.AutogradLikelihood;
import dev.mirrorpo.learning.objectives.Objective;
import dev.mirrorpo.learning.objectives.Objectives;
import dev.mirrorpo.learning.objectives.PopulationObjective;
import dev.mirrorpo.learning.objectives.TrajectoryLikelihood.LogLikelihoods;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.policy.PolicyPopulation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The trainers' gradients, whose likelihood part is written by hand (BoxMass, TrajectoryLikelihood) and whose
 * network part is the network kernel's (MlpKernel), against autograd through DJL's network and the float32 formula
 * they replaced and against finite differences of the loss, on real
 * Hopper pairs, for every objective family: one-step (ORPO), two-step (DPO), MPO, temporal MPO and two-step
 * MPO, one policy at a time and population-batched.
 */
class LikelihoodGradientTest {
  private static final TrainerConfig CONFIG = TrainerConfig.paper();
  private static final int[] BATCH = {0, 3, 4};
  /** The epoch whose objective is checked: temporal MPO's input x·n/N depends on it. */
  private static final int EPOCH = 7;
  /**
   * Both computations round differently (the autograd one sums thousands of float32 log masses per trajectory
   * and differentiates the erfc fit, the other uses its exact derivatives in double precision): measured
   * 0.6–2e-7 of the largest gradient component; a wrong derivative is off by far more.
   */
  private static final double AUTOGRAD_TOLERANCE = 1e-5;
  /**
   * Central differences of a float32 loss along a direction of length 1e-3 carry its rounding: measured
   * 0.8–6e-5 relative.
   */
  private static final double FINITE_DIFFERENCE_TOLERANCE = 1e-3;
  private static PairedTrajectories data;
  /** π_ref of the two-step objectives: the fresh policy. */
  private static GaussianPolicy reference;
  /**
   * The policy whose gradients are checked: random output weights, so that the means lie off the actions,
   * and per-dimension σ from 0.22 to 3.3, so that the boxes include wide ones, tails and narrow ones (the
   * midpoint formula).
   */
  private static GaussianPolicy policy;

  @BeforeAll
  static void record() {
    try (GaussianPolicy expert = HopperPairs.agent("expert"); GaussianPolicy weak = HopperPairs.agent("ref-43")) {
      data = HopperPairs.record(expert, weak, 2024, 6, 250);
    }
    reference = HopperPairs.fresh(data, 3);
    float[] values = reference.parameters().values();
    int act = HopperPairs.HOPPER.actionSize();
    int outputWeights = 64 * act + act + act;
    SplittableRandom rng = new SplittableRandom(17);
    for (int i = values.length - outputWeights; i < values.length - act; i++) {
      values[i] += (float) (0.1 * rng.nextGaussian());
    }
    float[] logStd = {-1.5f, 0f, 1.2f};
    System.arraycopy(logStd, 0, values, values.length - act, act);
    policy = GaussianPolicy.of(reference.architecture(), values, reference.normalizer().statistics());
  }

  @AfterAll
  static void close() {
    policy.close();
    reference.close();
  }

  private static List<MpoObjective> candidates(MpoConfig config, long seed, int count) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<MpoObjective> objectives = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      float[] zeta = MpoLayout.initial(config);
      for (int i = 0; i < zeta.length; i++) {
        zeta[i] += (float) (0.03 * rng.nextGaussian());
      }
      objectives.add(MpoObjective.create(config, zeta));
    }
    return objectives;
  }

  private static Map<String, Objective> families() {
    return Map.of(
        "orpo (one-step)", Objectives.create("orpo", Map.of()),
        "dpo (two-step)", Objectives.create("dpo", Map.of()),
        "mpo", candidates(MpoConfig.oneStep(true, true, false), 1, 1).get(0),
        "temporal mpo", candidates(MpoConfig.oneStep(true, true, true), 2, 1).get(0),
        "two-step mpo", candidates(MpoConfig.twoStep(true, false), 3, 1).get(0));
  }

  @Test
  void theTrainersGradientMatchesAutogradAndFiniteDifferencesForEveryObjectiveFamily() {
    TrainingLoop loop = new TrainingLoop(CONFIG);
    PairedTrajectories normalized = data.normalized(policy.normalizer());
    ReferenceLikelihoods references = loop.references(reference, normalized);
    for (Map.Entry<String, Objective> family : families().entrySet()) {
      Objective objective = family.getValue().forEpoch(EPOCH, CONFIG.epochs());
      TrainingLoop.Stage stage = new TrainingLoop.Stage(TrainingLoop.Policies.of(policy), normalized,
          TrainingLoop.one(objective), objective.needsReference() ? references : null, 0, CONFIG.epochs(), 1);
      TrainingLoop.Gradients step = loop.gradients(stage, stage.objective(), BATCH, stage.policies().values());
      float[] byHand = step.gradients()[0];
      float[] byAutograd = autogradGradient(objective, normalized, stage.reference());
      RelativeToLargest.assertClose(byAutograd, byHand, AUTOGRAD_TOLERANCE, family.getKey());

      float[] theta = policy.parameters().values();
      int act = HopperPairs.HOPPER.actionSize();
      int outputWeights = 64 * act;
      int outputStart = theta.length - act - act - outputWeights;
      checkFiniteDifferences(loop, stage, byHand, 0, theta.length, family.getKey() + ", all parameters");
      checkFiniteDifferences(loop, stage, byHand, theta.length - act, theta.length, family.getKey() + ", log σ");
      checkFiniteDifferences(loop, stage, byHand, outputStart, outputStart + outputWeights,
          family.getKey() + ", output layer");
      policy.parameters().setValues(theta);
      assertTrue(Float.isFinite(step.losses()[0]), family.getKey() + " loss " + step.losses()[0]);
    }
  }

  @Test
  void thePopulationTrainersGradientsMatchAutograd() {
    TrainingLoop loop = new TrainingLoop(CONFIG);
    PairedTrajectories normalized = data.normalized(policy.normalizer());
    ReferenceLikelihoods references = loop.references(reference, normalized);
    for (MpoConfig config : List.of(MpoConfig.oneStep(true, true, true), MpoConfig.twoStep(true, false))) {
      PopulationObjective objective = MpoPopulation.of(candidates(config, 4, 3)).forEpoch(5, CONFIG.epochs());
      ReferenceLikelihoods referenceOrNull = objective.needsReference() ? references : null;
      try (PolicyPopulation population = PolicyPopulation.replicate(policy, objective.size())) {
        TrainingLoop.Policies policies = TrainingLoop.Policies.of(population);
        float[][] byHand = loop.gradients(new TrainingLoop.Stage(policies, normalized, objective, referenceOrNull, 0,
            CONFIG.epochs(), 1), objective, BATCH, policies.values()).gradients();
        try (NDScope scope = new NDScope(); GradientTape tape = GradientTape.record()) {
          PackedPairs packed = PackedPairs.of(normalized, BATCH);
          LogLikelihoods likelihoods = AutogradLikelihood.of(population.actionMeans(observations(packed,
              population.manager())), population.logStd(), actions(packed, population.manager()), packed.lengths(), CONFIG.boxHalfWidth());
          tape.backward(objective.losses(packed.batch(population.manager(), likelihoods, referenceOrNull)).sum());
        }
        float[][] byAutograd = population.takeMemberGradients();
        for (int k = 0; k < objective.size(); k++) {
          RelativeToLargest.assertClose(byAutograd[k], byHand[k], AUTOGRAD_TOLERANCE,
              config.describe() + ", member " + k);
        }
      }
    }
  }

  private static NDArray observations(PackedPairs packed, NDManager manager) {
    return manager.create(packed.observations(),
        new Shape(packed.rows(), HopperPairs.HOPPER.observationSize()));
  }

  private static NDArray actions(PackedPairs packed, NDManager manager) {
    return manager.create(packed.actions(),
        new Shape(packed.rows(), HopperPairs.HOPPER.actionSize()));
  }

  /** The same loss through the float32 formula differentiated by autograd. */
  private static float[] autogradGradient(Objective objective, PairedTrajectories normalized,
      ReferenceLikelihoods referenceOrNull) {
    try (NDScope scope = new NDScope(); GradientTape tape = GradientTape.record()) {
      PackedPairs packed = PackedPairs.of(normalized, BATCH);
      LogLikelihoods likelihoods = AutogradLikelihood.of(policy.mean(observations(packed, policy.parameters().manager())),
          policy.logStd(), actions(packed, policy.parameters().manager()), packed.lengths(), CONFIG.boxHalfWidth());
      tape.backward(objective.loss(packed.batch(policy.parameters().manager(), likelihoods, referenceOrNull)));
    }
    return policy.parameters().takeGradients();
  }


  /**
   * The loss's change along the gradient restricted to parameters [from, to), against the gradient's dot
   * product with the actual (float32-rounded) step.
   */
  private static void checkFiniteDifferences(TrainingLoop loop, TrainingLoop.Stage stage, float[] gradient, int from,
      int to, String what) {
    float[] theta = policy.parameters().values();
    double norm = 0;
    for (int i = from; i < to; i++) {
      norm += (double) gradient[i] * gradient[i];
    }
    norm = Math.sqrt(norm);
    double length = 1e-3;
    float[] plus = theta.clone();
    float[] minus = theta.clone();
    for (int i = from; i < to; i++) {
      plus[i] = (float) (theta[i] + length * gradient[i] / norm);
      minus[i] = (float) (theta[i] - length * gradient[i] / norm);
    }
    double predicted = 0;
    for (int i = from; i < to; i++) {
      predicted += (double) gradient[i] * ((double) plus[i] - minus[i]);
    }
    double measured = loss(loop, stage, plus) - loss(loop, stage, minus);
    policy.parameters().setValues(theta);
    assertEquals(predicted, measured, FINITE_DIFFERENCE_TOLERANCE * Math.abs(predicted),
        what + ": the loss's change along the gradient");
  }

  private static double loss(TrainingLoop loop, TrainingLoop.Stage stage, float[] values) {
    return loop.gradients(stage, stage.objective(), BATCH, new float[][] {values}).losses()[0];
  }
}
