package dev.mirrorpo.learning.mpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.mirrorpo.learning.mpo.MpoEquivalenceTest.Pairs;
import dev.mirrorpo.learning.mpo.MpoLayout.Function;
import dev.mirrorpo.learning.mpo.MpoLayout.Part;
import dev.mirrorpo.learning.objectives.Objective;
import dev.mirrorpo.learning.objectives.Objectives;
import dev.mirrorpo.learning.objectives.PairBatch;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The MPO objective away from its start point: perturbations, the temporal input, exact gradients. */
class MpoObjectiveTest {
  private static final String[] VARIABLES = {"s_w", "s_l", "a_w", "a_l"};
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterEach
  void close() {
    manager.close();
  }

  /** Pairs with moderate likelihoods, as policies on MuJoCo data give (x between 0.02 and 0.8). */
  private static Pairs moderatePairs() {
    float[] aw = {-1.2f, -3.1f, -0.4f, -2.2f, -0.9f, -0.25f};
    float[] al = {-1.5f, -2.0f, -0.5f, -3.9f, -0.9001f, -1.7f};
    float[] tw = {1000, 300, 1000, 57, 800, 1000};
    float[] tl = {1000, 1000, 420, 33, 800, 250};
    float[] raw = {-1.3f, -2.9f, -0.45f, -2.0f, -1.0f, -0.3f};
    float[] ral = {-1.4f, -2.1f, -0.6f, -3.5f, -0.95f, -1.5f};
    int n = aw.length;
    float[] sw = new float[n];
    float[] sl = new float[n];
    float[] rw = new float[n];
    float[] rl = new float[n];
    for (int i = 0; i < n; i++) {
      sw[i] = aw[i] * tw[i] * 3;
      sl[i] = al[i] * tl[i] * 3;
      rw[i] = raw[i] * tw[i] * 3;
      rl[i] = ral[i] * tl[i] * 3;
      aw[i] = sw[i] / (tw[i] * 3);
      al[i] = sl[i] / (tl[i] * 3);
      raw[i] = rw[i] / (tw[i] * 3);
      ral[i] = rl[i] / (tl[i] * 3);
    }
    return new Pairs(sw, sl, aw, al, tw, tl, rw, rl, raw, ral);
  }

  private PairBatch batch(Pairs p, double[] shift, boolean leaves) {
    NDArray[] v = {
      manager.create(shifted(p.sw(), shift[0])), manager.create(shifted(p.sl(), shift[1])),
      manager.create(shifted(p.aw(), shift[2])), manager.create(shifted(p.al(), shift[3]))
    };
    if (leaves) {
      for (NDArray leaf : v) {
        leaf.setRequiresGradient(true);
      }
    }
    return new PairBatch(v[0], v[1], v[2], v[3], manager.create(p.tw()), manager.create(p.tl()),
        new PairBatch.Reference(manager.create(p.rw()), manager.create(p.rl()), manager.create(p.raw()),
            manager.create(p.ral())));
  }

  private static float[] shifted(float[] values, double shift) {
    float[] out = values.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (out[i] + shift);
    }
    return out;
  }

  private float[] losses(Objective objective, Pairs pairs) {
    return objective.pairLosses(batch(pairs, new double[4], false)).toFloatArray();
  }

  @Test
  void nameHyperParametersAndForm() {
    MpoObjective one = MpoObjective.initial(MpoConfig.oneStep(true, false, false).withLambda(0.8));
    MpoObjective two = MpoObjective.initial(MpoConfig.twoStep(false, true).withBeta(0.1));
    assertEquals("mpo", one.name());
    assertEquals("mpo", two.name());
    assertEquals(Map.of("lambda", 0.8), one.hyperParameters());
    assertEquals(Map.of("beta", 0.1), two.hyperParameters());
    assertEquals(false, one.needsReference());
    assertEquals(true, two.needsReference());
  }

  @Test
  void forEpochBindsTheProgressOfTemporalObjectivesOnly() {
    MpoObjective still = MpoObjective.initial(MpoConfig.oneStep(true, true, false));
    assertSame(still, still.forEpoch(7, 12));
    MpoObjective temporal = MpoObjective.initial(MpoConfig.oneStep(true, true, true));
    assertEquals(0.0, temporal.progress());
    assertEquals(0.5, ((MpoObjective) temporal.forEpoch(6, 12)).progress());
    assertSame(temporal, temporal.forEpoch(0, 12));
    assertThrows(IllegalArgumentException.class, () -> temporal.forEpoch(12, 12));
    assertThrows(IllegalArgumentException.class, () -> temporal.forEpoch(-1, 12));
    assertThrows(IllegalArgumentException.class, () -> still.forEpoch(0, 0));
  }

  @Test
  void temporalWeightsChangeTheLossWithTheEpochAndOnlyThen() {
    Pairs pairs = moderatePairs();
    for (MpoConfig config : new MpoConfig[] {MpoConfig.oneStep(true, true, true), MpoConfig.twoStep(true, true)}) {
      float[] zeta = MpoFunctionsTest.perturbed(config, 11, 0.03);
      MpoObjective noTemporal = MpoObjective.create(config, zeta.clone());
      MpoLayout layout = noTemporal.layout();
      for (Function function : layout.functions()) {
        MpoLayout.Slice slice = layout.slice(function, Part.TEMPORAL_KERNEL);
        java.util.Arrays.fill(zeta, slice.offset(), slice.offset() + slice.length(), 0f);
      }
      MpoObjective withoutTemporalWeights = MpoObjective.create(config, zeta.clone());
      for (Function function : layout.functions()) {
        MpoLayout.Slice slice = layout.slice(function, Part.TEMPORAL_KERNEL);
        java.util.Arrays.fill(zeta, slice.offset(), slice.offset() + slice.length(), 1.5f);
      }
      MpoObjective temporal = MpoObjective.create(config, zeta);
      float[] start = losses(temporal, pairs);
      // At n = 0 the second input is 0; with W' = 0 every epoch is the same.
      assertEquals(java.util.Arrays.toString(losses(withoutTemporalWeights, pairs)),
          java.util.Arrays.toString(start));
      assertEquals(java.util.Arrays.toString(start),
          java.util.Arrays.toString(losses(withoutTemporalWeights.forEpoch(9, 12), pairs)));
      float[] late = losses(temporal.forEpoch(9, 12), pairs);
      assertNotEquals(java.util.Arrays.toString(start), java.util.Arrays.toString(late), config.describe());
    }
  }

  /**
   * What ES explores around the start point: with σ = 0.03 the slopes of ψ, φ⁻¹ and g (d f/d log x, the
   * gradients the policy gets through them) stay within a few percent of ORPO's and DPO's, and one-step
   * losses stay near ORPO's; σ = 1 moves far. Every perturbation changes something.
   */
  @Test
  void smallPerturbationsGiveNearbyObjectivesLargeOnesDoNot() {
    double[] logX = {-3.1, -2.2, -1.5, -1.2, -0.9, -0.5, -0.25};
    Pairs pairs = moderatePairs();
    for (MpoConfig config : new MpoConfig[] {MpoConfig.oneStep(true, true, false), MpoConfig.twoStep(true, false)}) {
      MpoObjective start = MpoObjective.initial(config);
      float[] startLosses = losses(start, pairs);
      double[] meanSlopeChange = new double[2];
      double[] worstSlopeChange = new double[2];
      double worstLossChange = 0;
      double smallestLossChange = Double.POSITIVE_INFINITY;
      int count = 0;
      for (long seed = 1; seed <= 8; seed++) {
        for (int s = 0; s < 2; s++) {
          MpoObjective perturbed = MpoObjective.create(config,
              MpoFunctionsTest.perturbed(config, seed, s == 0 ? 0.03 : 1.0));
          for (Function function : start.layout().functions()) {
            for (double l : logX) {
              // g sees σ(z) around ½ rather than x(τ).
              double at = function == Function.G ? MpoMath.logSigmoid(l + 1.5) : l;
              double before = start.function(function).slopeAtLog(at);
              double change = Math.abs(perturbed.function(function).slopeAtLog(at) - before) / before;
              meanSlopeChange[s] += change;
              worstSlopeChange[s] = Math.max(worstSlopeChange[s], change);
              count += s == 0 ? 1 : 0;
            }
          }
          if (s == 0) {
            float[] after = losses(perturbed, pairs);
            double lossChange = 0;
            for (int i = 0; i < after.length; i++) {
              lossChange = Math.max(lossChange, Math.abs(after[i] - startLosses[i]) / Math.max(1, startLosses[i]));
            }
            worstLossChange = Math.max(worstLossChange, lossChange);
            smallestLossChange = Math.min(smallestLossChange, lossChange);
          }
        }
      }
      String label = config.describe() + String.format(": σ 0.03 changes slopes by %.3f on average (worst %.3f),"
          + " losses by %.3g to %.3g; σ 1 changes slopes by %.3f (worst %.3f)", meanSlopeChange[0] / count,
          worstSlopeChange[0], smallestLossChange, worstLossChange, meanSlopeChange[1] / count, worstSlopeChange[1]);
      System.out.println(label);
      assertTrue(meanSlopeChange[0] / count < 0.15 && worstSlopeChange[0] < 0.5, label);
      if (!config.twoStep()) {
        // Two-step rewards are n = |τ|·D times φ⁻¹: a small change of φ⁻¹ is a large change of the margin.
        assertTrue(worstLossChange < 0.5, label);
      }
      assertTrue(smallestLossChange > 1e-4, "a perturbation changes the objective: " + label);
      assertTrue(meanSlopeChange[1] > 5 * meanSlopeChange[0], label);
    }
  }

  /**
   * ∂L/∂v away from the start point: the double-precision partial derivatives against central differences
   * of the double-precision loss (n held constant, as it is for a trajectory), and what autograd sees
   * through the NDArray loss against those partial derivatives.
   */
  @Test
  void gradientsMatchFiniteDifferencesAwayFromTheStart() {
    Pairs pairs = moderatePairs();
    MpoConfig[] configs = {
      MpoConfig.oneStep(true, true, true).withLambda(0.8), MpoConfig.oneStep(false, false, false),
      MpoConfig.twoStep(true, true).withBeta(0.002), MpoConfig.twoStep(false, false).withBeta(0.01)
    };
    int checked = 0;
    for (MpoConfig config : configs) {
      for (long seed = 1; seed <= 4; seed++) {
        MpoObjective objective = (MpoObjective) MpoObjective.create(config,
            MpoFunctionsTest.perturbed(config, seed, 0.3)).forEpoch(4, 12);
        PairBatch batch = batch(pairs, new double[4], true);
        NDArray[] leaves = {batch.chosenSum(), batch.rejectedSum(), batch.chosenMean(), batch.rejectedMean()};
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
          collector.backward(objective.pairLosses(batch).sum());
        }
        float[][] autograd = new float[4][];
        for (int v = 0; v < 4; v++) {
          autograd[v] = leaves[v].getGradient().toFloatArray();
        }
        for (int pair = 0; pair < pairs.size(); pair++) {
          int i = pair;
          double[] x = {pairs.sw()[i], pairs.sl()[i], pairs.aw()[i], pairs.al()[i]};
          double nw = 3.0 * pairs.tw()[i];
          double nl = 3.0 * pairs.tl()[i];
          java.util.function.Function<double[], MpoObjective.PairTerms> terms = y -> config.twoStep()
              ? objective.twoStepTerms(new MpoObjective.Side(y[0], y[2], nw, pairs.rw()[i], pairs.raw()[i]),
                  new MpoObjective.Side(y[1], y[3], nl, pairs.rl()[i], pairs.ral()[i]))
              : objective.oneStepTerms(y[2], y[3]);
          MpoObjective.PairTerms at = terms.apply(x);
          double[] analytic = {at.dSw(), at.dSl(), at.dAw(), at.dAl()};
          for (int v = 0; v < 4; v++) {
            String where = config.describe() + " seed " + seed + " pair " + i + " ∂/∂" + VARIABLES[v];
            assertEquals(analytic[v], autograd[v][i], 1e-6 * Math.max(1, Math.abs(analytic[v])), where + " (autograd)");
            double h = 1e-6 * Math.max(1, Math.abs(x[v]));
            double[] up = x.clone();
            double[] down = x.clone();
            up[v] += h;
            down[v] -= h;
            double center = at.loss();
            double left = (center - terms.apply(down).loss()) / h;
            double right = (terms.apply(up).loss() - center) / h;
            double tolerance = 1e-4 * Math.max(1, Math.abs(analytic[v]));
            if (Math.abs(left - right) > tolerance) {
              continue; // a floor's corner lies within h: no derivative to compare with
            }
            assertEquals((left + right) / 2, analytic[v], tolerance, where);
            checked++;
          }
        }
      }
    }
    assertTrue(checked > 300, "compared " + checked + " derivatives");
  }

  @Test
  void twoStepWithoutReferenceSaysWhatIsMissing() {
    NDArray values = manager.create(new float[] {-100f, -120f});
    NDArray means = manager.create(new float[] {-1f, -1.2f});
    PairBatch noReference = new PairBatch(values, values, means, means, values, values, null);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> MpoObjective.initial(MpoConfig.twoStep(false, false)).loss(noReference));
    assertTrue(e.getMessage().contains("π_ref"), e.getMessage());
    assertTrue(Float.isFinite(MpoObjective.initial(MpoConfig.oneStep(true, true, false)).loss(noReference).getFloat()));
  }

  @Test
  void factorsAreRecoveredFromSumAndMean() {
    assertEquals(3000, MpoObjective.factors(-3600.5f, -3600.5f / 3000, 1000));
    assertEquals(7998, MpoObjective.factors(-1234.567f, -1234.567f / 7998, 2666));
    assertEquals(3, MpoObjective.factors(-2.5f, -2.5f / 3, 1));
    assertEquals(17, MpoObjective.factors(0f, 0f, 17), "a = 0: the length stands in");
    // The baselines' registry is untouched: MPO is built from (config, ζ), not by name.
    assertTrue(!Objectives.names().contains("mpo"));
  }
}
