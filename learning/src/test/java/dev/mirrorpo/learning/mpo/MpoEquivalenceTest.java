package dev.mirrorpo.learning.mpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.mirrorpo.learning.HopperPairs;
import dev.mirrorpo.learning.nn.GradientTape;
import dev.mirrorpo.learning.objectives.Objective;
import dev.mirrorpo.learning.objectives.Objectives;
import dev.mirrorpo.learning.objectives.PairBatch;
import dev.mirrorpo.learning.objectives.AutogradNetwork;
import dev.mirrorpo.learning.objectives.TrajectoryLikelihood;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.training.PairedTrajectories;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * At its start point MPO is ORPO (one-step) and DPO (two-step): loss and gradients w.r.t. s_w, s_l,
 * a_w, a_l agree to 1e-6 (relative above magnitude 1) on real Hopper pairs and on a grid of synthetic
 * values, for every option combination, temporal ones at several epochs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MpoEquivalenceTest {
  private static final double TOLERANCE = 1e-6;
  private static final String[] VARIABLES = {"s_w", "s_l", "a_w", "a_l"};

  /** Columns of N pairs: the policy's sums and means, lengths |τ|, π_ref's sums and means. */
  record Pairs(float[] sw, float[] sl, float[] aw, float[] al, float[] tw, float[] tl, float[] rw, float[] rl,
      float[] raw, float[] ral) {
    int size() {
      return aw.length;
    }
  }

  private record Evaluation(float[] pairLosses, float loss, float[][] gradients) {}

  private final List<Pairs> realPairs = new ArrayList<>();
  private NDManager manager;

  @BeforeAll
  void recordRealPairs() {
    try (GaussianPolicy expert = HopperPairs.agent("expert");
        GaussianPolicy ref43 = HopperPairs.agent("ref-43");
        GaussianPolicy ref57 = HopperPairs.agent("ref-57");
        GaussianPolicy ref86 = HopperPairs.agent("ref-86")) {
      // A base pairing (expert chosen) and a flipped one (weaker agent chosen), full 1000-step episodes.
      PairedTrajectories base = HopperPairs.record(expert, ref43, 2024, 10, 1000);
      PairedTrajectories flipped = HopperPairs.record(ref57, ref86, 77, 10, 1000);
      for (PairedTrajectories data : List.of(base, flipped)) {
        try (GaussianPolicy fresh = HopperPairs.fresh(data, 5)) {
          GaussianPolicy[][] policyAndReference = {{fresh, expert}, {ref86, ref57}, {expert, fresh}};
          for (GaussianPolicy[] pr : policyAndReference) {
            realPairs.add(pairs(data, pr[0], pr[1]));
          }
        }
      }
    }
  }

  private static Pairs pairs(PairedTrajectories data, GaussianPolicy policy, GaussianPolicy reference) {
    float[][] w = HopperPairs.likelihoods(policy, data.chosen());
    float[][] l = HopperPairs.likelihoods(policy, data.rejected());
    float[][] rw = HopperPairs.likelihoods(reference, data.chosen());
    float[][] rl = HopperPairs.likelihoods(reference, data.rejected());
    return new Pairs(w[0], l[0], w[1], l[1], lengths(data.chosen()), lengths(data.rejected()), rw[0], rl[0], rw[1],
        rl[1]);
  }

  private static float[] lengths(PairedTrajectories.Side side) {
    float[] lengths = new float[side.lengths().length];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = side.lengths()[i];
    }
    return lengths;
  }

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterEach
  void close() {
    manager.close();
  }

  /** Per-step means from −30 (x ≈ 1e-13) to −1e-6 (x ≈ 1); D = 3, trajectories of 1 to 2666 steps. */
  private static final double[] MEANS = {-30, -8, -3, -1.2, -0.5, -0.1, -1e-3, -1e-6};
  private static final int[] FACTORS = {3, 60, 900, 3000, 7998};

  /** Every (a_w, a_l) of the grid, with sums s = n·a and reference values around them. */
  static Pairs syntheticPairs() {
    int n = MEANS.length * MEANS.length;
    float[][] c = new float[10][n];
    int k = 0;
    double[] offsets = {-0.3, 0.2, 0, 0.05, -1};
    for (double aw : MEANS) {
      for (double al : MEANS) {
        int nw = FACTORS[k % FACTORS.length];
        int nl = FACTORS[(k / 3) % FACTORS.length];
        double raw = Math.min(aw + offsets[k % offsets.length], -1e-6);
        double ral = Math.min(al + offsets[(k + 2) % offsets.length], -1e-6);
        float[] w = sumAndMean(aw, nw);
        float[] l = sumAndMean(al, nl);
        float[] rw = sumAndMean(raw, nw);
        float[] rl = sumAndMean(ral, nl);
        float[] row = {w[0], l[0], w[1], l[1], nw / 3f, nl / 3f, rw[0], rl[0], rw[1], rl[1]};
        for (int v = 0; v < 10; v++) {
          c[v][k] = row[v];
        }
        k++;
      }
    }
    return new Pairs(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9]);
  }

  /** s = n·a in float32, and a = s/n as the likelihood computes it. */
  private static float[] sumAndMean(double mean, int factors) {
    float sum = (float) (mean * factors);
    return new float[] {sum, sum / factors};
  }

  private Evaluation evaluate(Objective objective, Pairs pairs) {
    NDArray[] leaves = {
      manager.create(pairs.sw()), manager.create(pairs.sl()), manager.create(pairs.aw()), manager.create(pairs.al())
    };
    for (NDArray leaf : leaves) {
      leaf.setRequiresGradient(true);
    }
    PairBatch.Reference reference = new PairBatch.Reference(manager.create(pairs.rw()), manager.create(pairs.rl()),
        manager.create(pairs.raw()), manager.create(pairs.ral()));
    float[] pairLosses;
    float loss;
    try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
      PairBatch batch = new PairBatch(leaves[0], leaves[1], leaves[2], leaves[3], manager.create(pairs.tw()),
          manager.create(pairs.tl()), objective.needsReference() ? reference : null);
      pairLosses = objective.pairLosses(batch).toFloatArray();
      NDArray batchLoss = objective.loss(batch);
      loss = batchLoss.getFloat();
      collector.backward(batchLoss);
    }
    float[][] gradients = new float[VARIABLES.length][];
    for (int v = 0; v < VARIABLES.length; v++) {
      // Each pair's loss depends on its own values only: N·∂mean/∂v_i = ∂L_i/∂v_i.
      float[] g = leaves[v].getGradient().toFloatArray();
      for (int i = 0; i < g.length; i++) {
        g[i] *= pairs.size();
      }
      gradients[v] = g;
    }
    return new Evaluation(pairLosses, loss, gradients);
  }

  private static void assertClose(double expected, double actual, String what) {
    assertTrue(Double.isFinite(actual), what + ": " + actual);
    assertEquals(expected, actual, TOLERANCE * Math.max(1, Math.abs(expected)), what);
  }

  private void assertSame(Objective baseline, Objective mpo, Pairs pairs, String label) {
    Evaluation expected = evaluate(baseline, pairs);
    Evaluation actual = evaluate(mpo, pairs);
    for (int i = 0; i < pairs.size(); i++) {
      String where = label + ", pair " + i + " (a_w " + pairs.aw()[i] + ", a_l " + pairs.al()[i] + ", s_w "
          + pairs.sw()[i] + ", s_l " + pairs.sl()[i] + ")";
      assertClose(expected.pairLosses()[i], actual.pairLosses()[i], where + ": loss");
      for (int v = 0; v < VARIABLES.length; v++) {
        assertClose(expected.gradients()[v][i], actual.gradients()[v][i], where + ": ∂/∂" + VARIABLES[v]);
      }
    }
    assertClose(expected.loss(), actual.loss(), label + ": batch loss");
  }

  /** Every one-step option combination at its start point, temporal ones at several epochs. */
  private static List<Objective> oneStepStarts(double lambda) {
    List<Objective> starts = new ArrayList<>();
    for (boolean learnPsi : new boolean[] {false, true}) {
      for (boolean learnG : new boolean[] {false, true}) {
        for (boolean temporal : new boolean[] {false, true}) {
          MpoObjective start = MpoObjective.initial(MpoConfig.oneStep(learnPsi, learnG, temporal).withLambda(lambda));
          starts.add(start);
          if (temporal) {
            starts.add(start.forEpoch(5, 12));
            starts.add(start.forEpoch(11, 12));
          }
        }
      }
    }
    return starts;
  }

  private static List<Objective> twoStepStarts(double beta) {
    List<Objective> starts = new ArrayList<>();
    for (boolean learnG : new boolean[] {false, true}) {
      for (boolean temporal : new boolean[] {false, true}) {
        MpoObjective start = MpoObjective.initial(MpoConfig.twoStep(learnG, temporal).withBeta(beta));
        starts.add(start);
        if (temporal) {
          starts.add(start.forEpoch(10, 12));
          starts.add(start.forEpoch(11, 12));
        }
      }
    }
    return starts;
  }

  @Test
  void oneStepStartIsOrpoOnSyntheticValues() {
    Pairs grid = syntheticPairs();
    for (double lambda : new double[] {0.5, 0.8, 2}) {
      Objective orpo = Objectives.create("orpo", Map.of("lambda", lambda));
      for (Objective start : oneStepStarts(lambda)) {
        assertSame(orpo, start, grid, start + " vs ORPO λ " + lambda);
      }
    }
  }

  @Test
  void twoStepStartIsDpoOnSyntheticValues() {
    Pairs grid = syntheticPairs();
    for (double beta : new double[] {0.1, 0.5, 1.7}) {
      Objective dpo = Objectives.create("dpo", Map.of("beta", beta));
      for (Objective start : twoStepStarts(beta)) {
        assertSame(dpo, start, grid, start + " vs DPO β " + beta);
      }
    }
  }

  @Test
  void oneStepStartIsOrpoOnRealHopperPairs() {
    for (double lambda : new double[] {0.5, 0.8}) {
      Objective orpo = Objectives.create("orpo", Map.of("lambda", lambda));
      for (Objective start : oneStepStarts(lambda)) {
        for (int p = 0; p < realPairs.size(); p++) {
          assertSame(orpo, start, realPairs.get(p), start + " vs ORPO λ " + lambda + ", real set " + p);
        }
      }
    }
  }

  @Test
  void twoStepStartIsDpoOnRealHopperPairs() {
    for (double beta : new double[] {0.1, 0.5}) {
      Objective dpo = Objectives.create("dpo", Map.of("beta", beta));
      for (Objective start : twoStepStarts(beta)) {
        for (int p = 0; p < realPairs.size(); p++) {
          assertSame(dpo, start, realPairs.get(p), start + " vs DPO β " + beta + ", real set " + p);
        }
      }
    }
  }

  @Test
  void realPairsCoverLongTrajectoriesAndBothOrders() {
    boolean longOnes = false;
    boolean chosenBehind = false;
    boolean chosenAhead = false;
    for (Pairs pairs : realPairs) {
      for (int i = 0; i < pairs.size(); i++) {
        longOnes |= pairs.tw()[i] == 1000 && pairs.sw()[i] < -1000;
        chosenBehind |= pairs.aw()[i] < pairs.al()[i];
        chosenAhead |= pairs.aw()[i] > pairs.al()[i];
      }
    }
    assertTrue(longOnes && chosenBehind && chosenAhead, "the real pairs exercise large sums and both signs of z");
  }

  /** The same through the policy: gradients w.r.t. the weights of a fresh policy on real trajectories. */
  @Test
  void startPointGivesTheBaselinesGradientsWithRespectToThePolicy() {
    try (GaussianPolicy expert = HopperPairs.agent("expert"); GaussianPolicy weak = HopperPairs.agent("ref-43")) {
      PairedTrajectories data = HopperPairs.record(expert, weak, 9, 4, 400);
      try (GaussianPolicy policy = HopperPairs.fresh(data, 3)) {
        float[][] refW = HopperPairs.likelihoods(expert, data.chosen());
        float[][] refL = HopperPairs.likelihoods(expert, data.rejected());
        Objective[][] cases = {
          {Objectives.create("orpo", Map.of("lambda", 0.5)), MpoObjective.initial(MpoConfig.oneStep(true, true, true))},
          {Objectives.create("dpo", Map.of("beta", 0.5)), MpoObjective.initial(MpoConfig.twoStep(true, true))},
        };
        for (Objective[] pair : cases) {
          float[] expected = policyGradient(policy, data, pair[0], refW, refL);
          float[] actual = policyGradient(policy, data, pair[1], refW, refL);
          double scale = 0;
          for (float g : expected) {
            scale = Math.max(scale, Math.abs(g));
          }
          assertTrue(scale > 0, "a non-trivial gradient");
          for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], actual[k], TOLERANCE * Math.max(1, scale), pair[0].name() + " weight " + k);
          }
        }
      }
    }
  }

  private float[] policyGradient(GaussianPolicy policy, PairedTrajectories data, Objective objective, float[][] refW,
      float[][] refL) {
    int obs = HopperPairs.HOPPER.observationSize();
    policy.parameters().takeGradients();
    try (GradientTape tape = GradientTape.record()) {
      TrajectoryLikelihood likelihood = new TrajectoryLikelihood();
      PairedTrajectories.Side[] sides = {data.chosen(), data.rejected()};
      AutogradNetwork[] evaluations = new AutogradNetwork[2];
      TrajectoryLikelihood.LogLikelihoods[] ll = new TrajectoryLikelihood.LogLikelihoods[2];
      for (int s = 0; s < 2; s++) {
        int rows = sides[s].steps();
        evaluations[s] = AutogradNetwork.of(likelihood, policy,
            manager.create(policy.normalizer().normalize(sides[s].observations()), new Shape(rows, obs)),
            sides[s].actions(), sides[s].lengths());
        ll[s] = evaluations[s].logLikelihoods();
      }
      PairBatch.Reference reference = new PairBatch.Reference(manager.create(refW[0]), manager.create(refL[0]),
          manager.create(refW[1]), manager.create(refL[1]));
      PairBatch batch = PairBatch.of(ll[0], ll[1], manager.create(lengths(data.chosen())),
          manager.create(lengths(data.rejected())), objective.needsReference() ? reference : null);
      tape.backward(objective.loss(batch));
      for (AutogradNetwork evaluation : evaluations) {
        evaluation.backpropagate(tape);
      }
    }
    return policy.parameters().takeGradients();
  }
}
