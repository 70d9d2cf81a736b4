package dev.mirrorpo.learning.mpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.learning.mpo.MpoLayout.Function;
import dev.mirrorpo.learning.mpo.MpoLayout.Part;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * ψ, φ⁻¹ and g for random ζ around the start point: monotone increasing in x, finite, and their
 * derivatives (which become the gradients autograd sees) match finite differences.
 */
class MpoFunctionsTest {
  private static final long[] SEEDS = {1, 2, 3, 4, 5, 6};
  private static final double[] SCALES = {0.03, 1.0};
  /** Epochs n of N = 12: t = n/N ∈ {0, 1/12, 1/2, 11/12}. */
  private static final int[] EPOCHS = {0, 1, 6, 11};

  private static final List<MpoConfig> CONFIGS = List.of(
      MpoConfig.oneStep(true, true, false), MpoConfig.oneStep(true, true, true),
      MpoConfig.twoStep(true, false), MpoConfig.twoStep(true, true));

  static float[] perturbed(MpoConfig config, long seed, double scale) {
    float[] zeta = MpoLayout.initial(config);
    Random random = new Random(seed);
    for (int i = 0; i < zeta.length; i++) {
      zeta[i] += (float) (scale * random.nextGaussian());
    }
    return zeta;
  }

  /** log x from −40 (x ≈ 4e-18) to −1e-12 (x ≈ 1): dense in log x, then dense in x. */
  private static double[] grid() {
    List<Double> points = new ArrayList<>();
    for (int k = 0; k <= 4000; k++) {
      points.add(-40 + 40.0 * k / 4000 - 1e-12);
    }
    for (int k = 1; k < 4000; k++) {
      points.add(Math.log(k / 4000.0));
    }
    points.add(-1e-9);
    points.add(-1e-6);
    return points.stream().mapToDouble(Double::doubleValue).sorted().distinct().toArray();
  }

  /** Every function of every config at every seed, scale and epoch. */
  private interface Check {
    void accept(MonotoneFunction f, String label);
  }

  private static void forEveryFunction(Check check) {
    for (MpoConfig config : CONFIGS) {
      for (long seed : SEEDS) {
        for (double scale : SCALES) {
          MpoObjective objective = MpoObjective.create(config, perturbed(config, seed, scale));
          for (int epoch : config.temporal() ? EPOCHS : new int[] {0}) {
            MpoObjective atEpoch = (MpoObjective) objective.forEpoch(epoch, 12);
            for (Function function : atEpoch.layout().functions()) {
              check.accept(atEpoch.function(function), config.describe() + ", seed " + seed + ", scale " + scale
                  + ", n/N " + epoch + "/12, " + function.symbol);
            }
          }
        }
      }
    }
  }

  @Test
  void everyFunctionIsMonotoneIncreasingInXForRandomZeta() {
    double[] logX = grid();
    int[] activeSeen = {0};
    forEveryFunction((f, label) -> {
      activeSeen[0] = Math.max(activeSeen[0], f.activeUnits());
      double[] out = new double[2];
      double previous = Double.NEGATIVE_INFINITY;
      for (double l : logX) {
        f.evaluate(l, out);
        assertTrue(Double.isFinite(out[0]) && Double.isFinite(out[1]), label + " at log x " + l + ": " + out[0]
            + ", slope " + out[1]);
        assertTrue(out[1] >= 0, label + ": slope " + out[1] + " at log x " + l);
        assertTrue(out[0] >= previous - 1e-12 * Math.max(1, Math.abs(previous)),
            label + ": f decreases to " + out[0] + " from " + previous + " at log x " + l);
        previous = out[0];
      }
      // Strictly increasing overall: between x = 1e-4 and x = 0.9 it must rise.
      assertTrue(f.value(0.9) > f.value(1e-4) || f.skipCoefficient() == 0 && f.activeUnits() == 0, label);
    });
    // V = max(raw, 0): a perturbation switches on about half of the 126 units.
    assertTrue(activeSeen[0] > 50, "perturbations switch on many hidden units: " + activeSeen[0]);
  }

  @Test
  void temporalInputKeepsMonotonicityEvenAtTheBoundOfItsWeights() {
    // ρ' = −30: W' ≈ −W, the lower bound; at t → 1 the slope in x tends to 0 but never below.
    MpoConfig config = MpoConfig.oneStep(true, true, true);
    MpoLayout layout = MpoLayout.of(config);
    float[] zeta = perturbed(config, 9, 1.0);
    for (Function function : layout.functions()) {
      MpoLayout.Slice temporal = layout.slice(function, Part.TEMPORAL_KERNEL);
      for (int j = 0; j < temporal.length(); j++) {
        zeta[temporal.offset() + j] = j % 2 == 0 ? -30f : 5f;
      }
    }
    MpoObjective objective = MpoObjective.create(config, zeta);
    double[] logX = grid();
    for (int epoch = 0; epoch < 100; epoch += 9) {
      MpoObjective atEpoch = (MpoObjective) objective.forEpoch(epoch, 100);
      for (Function function : layout.functions()) {
        MonotoneFunction f = atEpoch.function(function);
        double previous = Double.NEGATIVE_INFINITY;
        for (double l : logX) {
          double value = f.valueAtLog(l);
          assertTrue(Double.isFinite(value) && f.slopeAtLog(l) >= 0, function.symbol + " t " + epoch / 100.0);
          assertTrue(value >= previous - 1e-12 * Math.max(1, Math.abs(previous)), function.symbol + " at " + l);
          previous = value;
        }
      }
    }
  }

  @Test
  void derivativesMatchFiniteDifferences() {
    double[] logX = {-25, -9, -4, -2.3, -1.1, -0.6, -0.25, -0.05, -1e-3};
    int[] checked = {0};
    forEveryFunction((f, label) -> {
      for (double l : logX) {
        double h = 1e-6 * Math.max(1, Math.abs(l));
        double left = (f.valueAtLog(l) - f.valueAtLog(l - h)) / h;
        double right = (f.valueAtLog(l + h) - f.valueAtLog(l)) / h;
        double slope = f.slopeAtLog(l);
        double tolerance = 1e-4 * Math.max(1, Math.abs(slope));
        if (Math.abs(left - right) > tolerance) {
          continue; // a floor's corner lies within h: no derivative to compare with
        }
        assertEquals((left + right) / 2, slope, tolerance, label + " at log x " + l);
        checked[0]++;
      }
    });
    assertTrue(checked[0] > 1000, "checked " + checked[0] + " points");
  }

  @Test
  void startPointFunctionsAreLogLogitAndLog() {
    double[] out = new double[2];
    MpoObjective orpo = MpoObjective.initial(MpoConfig.oneStep(true, true, true));
    MpoObjective dpo = MpoObjective.initial(MpoConfig.twoStep(true, true));
    for (double l : new double[] {-1000, -30, -3, -0.5, -1e-4}) {
      double logit = l - Math.log(-Math.expm1(l));
      assertEquals(l, orpo.psi().valueAtLog(l), 0, "ψ = log");
      assertEquals(l, orpo.g().valueAtLog(l), 0, "g = log");
      orpo.phiInverse().evaluate(l, out);
      assertEquals(logit, out[0], 1e-12 * Math.max(1, Math.abs(logit)), "one-step φ⁻¹ = logit");
      assertEquals(1 / -Math.expm1(l), out[1], 1e-9 * out[1], "d logit/d log x = 1/(1 − x)");
      dpo.phiInverse().evaluate(l, out);
      assertEquals(l, out[0], 0, "two-step φ⁻¹ = log, exactly");
      assertEquals(1, out[1], 0);
    }
    for (MpoObjective start : new MpoObjective[] {orpo, dpo}) {
      for (Function function : start.layout().functions()) {
        assertEquals(0, start.function(function).activeUnits(), "every unit off");
      }
    }
    assertEquals(MonotoneFunction.Skip.LOGIT, orpo.phiInverse().skip());
    assertEquals(MonotoneFunction.Skip.LOG, dpo.phiInverse().skip());
  }

  @Test
  void theNineActivationsAreThePapers() {
    // One unit at a time switched on (V = 1, i.e. raw 14; W = 1, c = 0): f(x) is the activation of x.
    MpoConfig config = MpoConfig.oneStep(true, false, false);
    MpoLayout layout = MpoLayout.of(config);
    MpoLayout.Slice output = layout.slice(Function.PSI, Part.OUTPUT_KERNEL);
    double[] expected = new double[9];
    double x = 0.3;
    expected[0] = x;
    expected[1] = x * x;
    expected[2] = x * x * x;
    expected[3] = Math.sqrt(x);
    expected[4] = Math.cbrt(x);
    expected[5] = Math.log(x);
    expected[6] = Math.exp(x);
    expected[7] = Math.tanh(x);
    expected[8] = Math.log(x / (1 - x));
    for (int a = 0; a < 9; a++) {
      float[] zeta = layout.initial();
      zeta[layout.slice(Function.PSI, Part.SKIP).offset()] = 0;
      zeta[output.offset() + a * MpoLayout.UNITS_PER_ACTIVATION + 13] = 14;
      MonotoneFunction psi = MpoObjective.create(config, zeta).psi();
      assertEquals(expected[a], psi.value(x), 1e-12, MonotoneFunction.Activation.values()[a].formula);
      assertEquals(MonotoneFunction.Activation.values()[a], MonotoneFunction.Activation.values()[a]);
    }
  }

  @Test
  void floorsKeepTheInfiniteActivationsFiniteAndContinuousInTheBias() {
    // log((W·x + c)+) with c < 0 is −∞ for x ≤ |c|/W in the paper; here it is floored at log(δ·|c|).
    MpoConfig config = MpoConfig.oneStep(true, false, false);
    MpoLayout layout = MpoLayout.of(config);
    int logUnit = MonotoneFunction.Activation.LOG.ordinal() * MpoLayout.UNITS_PER_ACTIVATION;
    int logitUnit = MonotoneFunction.Activation.LOGIT.ordinal() * MpoLayout.UNITS_PER_ACTIVATION;
    for (int unit : new int[] {logUnit, logitUnit}) {
      double[] atZero = null;
      for (double c : new double[] {-0.2, -1e-3, -1e-7, 0, 1e-7, 1e-3, 0.2, 1.5}) {
        float[] zeta = layout.initial();
        zeta[layout.slice(Function.PSI, Part.SKIP).offset()] = 0;
        zeta[layout.slice(Function.PSI, Part.OUTPUT_KERNEL).offset() + unit] = 14;
        zeta[layout.slice(Function.PSI, Part.HIDDEN_BIAS).offset() + unit] = (float) c;
        MonotoneFunction f = MpoObjective.create(config, zeta).psi();
        double[] values = new double[3];
        double[] xs = {0.05, 0.3, 0.7};
        for (int k = 0; k < xs.length; k++) {
          values[k] = f.value(xs[k]);
          assertTrue(Double.isFinite(values[k]) && Double.isFinite(f.slopeAtLog(Math.log(xs[k]))), "c " + c);
        }
        assertTrue(Double.isFinite(f.valueAtLog(-800)), "x underflows, c " + c);
        if (c == 0) {
          atZero = values;
        } else if (Math.abs(c) < 1e-6 && atZero != null) {
          for (int k = 0; k < xs.length; k++) {
            assertEquals(atZero[k], values[k], 1e-5, "continuous as c → 0");
          }
        }
      }
    }
  }
}
