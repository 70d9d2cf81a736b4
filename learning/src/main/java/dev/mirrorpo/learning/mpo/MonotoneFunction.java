package dev.mirrorpo.learning.mpo;

import dev.mirrorpo.learning.mpo.MpoLayout.Part;
import dev.mirrorpo.learning.mpo.MpoLayout.Slice;
import dev.mirrorpo.learning.objectives.LogSpace;
import java.util.Arrays;

/**
 * One of MPO's monotone functions ψ, φ⁻¹ or g of an input x ∈ (0, 1) (the paper §3.1, docs/mpo.md):
 *
 * <pre>
 *   f(x) = k·S(x) + Σ_j V_j·act_j(W_j·x + W'_j·x·t + c_j)
 * </pre>
 *
 * with S = log (ψ, g, two-step φ⁻¹) or S = logit (one-step φ⁻¹), k = max(raw skip, 0), W_j = e^{ρ_j} &gt; 0,
 * W'_j = W_j·(e^{ρ'_j} − 1) ≥ −W_j (so the slope W_j + W'_j·t &gt; 0 for t = n/N ∈ [0, 1)),
 * V_j = max(raw_j, 0)/14 ({@link MpoLayout#OUTPUT_SCALE_DIVISOR}), and act_j one of the nine increasing
 * activations. Each term is non-decreasing in
 * x, so f is.
 *
 * <p>Evaluated in double precision from log x (exact for any finite log x, also where x underflows),
 * returning f and df/d(log x). Where the paper's activations are infinite (log and logit of u ≤ 0, logit
 * of u ≥ 1) they are floored (see {@link #RELATIVE_FLOOR}), which keeps them finite, non-decreasing
 * and continuous in the parameters; units whose V is 0 are skipped, contributing exactly 0.
 */
public final class MonotoneFunction {
  /** The activations, 14 units each, in the paper's order (§3.1). */
  public enum Activation {
    IDENTITY("x"),
    RELU_SQUARED("(x)+²"),
    CUBE("x³"),
    SQRT("(x)+^½"),
    CBRT("(x)+^⅓"),
    LOG("log((x)+)"),
    EXP("eˣ"),
    TANH("tanh x"),
    LOGIT("log(clip(x)/(1 − clip(x)))");

    public final String formula;

    Activation(String formula) {
      this.formula = formula;
    }
  }

  /** The skip term S added to the network's output. */
  public enum Skip {
    /** k·log x (ψ, g, and φ⁻¹ of two-step MPO). */
    LOG,
    /** k·log(x/(1 − x)) (φ⁻¹ of one-step MPO). */
    LOGIT
  }

  /**
   * For a unit whose pre-activation u = W·x + c starts below zero (c &lt; 0), (u)+^½, (u)+^⅓ and the
   * log of log((u)+) and of the logit use max(u, δ·|c|) with δ = 1e-3: finite, the slope bounded by
   * about 1/δ, and the floor vanishes as c → 0, so the unit tends to the unfloored one.
   */
  public static final double RELATIVE_FLOOR = 1e-3;
  /**
   * 1 − u in the logit is floored at max(1e-30, δ·(c + W − 1)+): 1e-30 (the baselines' floor of
   * 1 − x(τ)) while u stays below 1 on (0, 1), δ times the overshoot where it does not.
   */
  public static final double TINY = 1e-30;

  private static final Activation[] ACTIVATIONS = Activation.values();

  private final Skip skip;
  private final double skipCoefficient;
  // Only the units with V > 0, in layout order.
  private final int[] unit;
  private final int[] activation;
  private final double[] logSlope;
  private final double[] bias;
  private final double[] weight;
  private final double[] floorLow;
  private final double[] floorHigh;

  private MonotoneFunction(Skip skip, double skipCoefficient, int[] unit, int[] activation, double[] logSlope,
      double[] bias, double[] weight) {
    this.skip = skip;
    this.skipCoefficient = skipCoefficient;
    this.unit = unit;
    this.activation = activation;
    this.logSlope = logSlope;
    this.bias = bias;
    this.weight = weight;
    int n = unit.length;
    floorLow = new double[n];
    floorHigh = new double[n];
    for (int i = 0; i < n; i++) {
      floorLow[i] = RELATIVE_FLOOR * Math.max(-bias[i], 0);
      floorHigh[i] = Math.max(TINY, RELATIVE_FLOOR * Math.max(bias[i] + StrictMath.exp(logSlope[i]) - 1, 0));
    }
  }

  /** The fixed function k·S (no network): k = 1, S = log is the fixed ψ and g of MPO. */
  public static MonotoneFunction fixed(Skip skip, double coefficient) {
    if (!(coefficient >= 0)) {
      throw new IllegalArgumentException("skip coefficient must be ≥ 0, got " + coefficient);
    }
    return new MonotoneFunction(skip, coefficient, new int[0], new int[0], new double[0], new double[0],
        new double[0]);
  }

  /**
   * The network stored in ζ for one function, at training progress {@code progress} = n/N ∈ [0, 1]
   * (ignored without a temporal kernel).
   */
  static MonotoneFunction fromZeta(MpoLayout layout, MpoLayout.Function function, Skip skip, float[] zeta,
      double progress) {
    double k = Math.max(zeta[layout.slice(function, Part.SKIP).offset()], 0);
    int input = layout.slice(function, Part.INPUT_KERNEL).offset();
    int hidden = layout.slice(function, Part.HIDDEN_BIAS).offset();
    int output = layout.slice(function, Part.OUTPUT_KERNEL).offset();
    Slice temporal = layout.config().temporal() ? layout.slice(function, Part.TEMPORAL_KERNEL) : null;
    int active = 0;
    for (int j = 0; j < MpoLayout.HIDDEN_UNITS; j++) {
      if (zeta[output + j] > 0) {
        active++;
      }
    }
    int[] unit = new int[active];
    int[] activation = new int[active];
    double[] logSlope = new double[active];
    double[] bias = new double[active];
    double[] weight = new double[active];
    int i = 0;
    for (int j = 0; j < MpoLayout.HIDDEN_UNITS; j++) {
      if (!(zeta[output + j] > 0)) {
        continue;
      }
      unit[i] = j;
      activation[i] = j / MpoLayout.UNITS_PER_ACTIVATION;
      // log(W + W'·t) = ρ + log(1 + t·(e^{ρ'} − 1)): exactly ρ when ρ' = 0 or t = 0.
      double rho = zeta[input + j];
      double temporalFactor = temporal == null || progress == 0
          ? 0 : StrictMath.log1p(progress * StrictMath.expm1(zeta[temporal.offset() + j]));
      logSlope[i] = rho + temporalFactor;
      bias[i] = zeta[hidden + j];
      weight[i] = zeta[output + j] / MpoLayout.OUTPUT_SCALE_DIVISOR;
      i++;
    }
    return new MonotoneFunction(skip, k, unit, activation, logSlope, bias, weight);
  }

  public Skip skip() {
    return skip;
  }

  /** k, the skip coefficient (≥ 0). */
  public double skipCoefficient() {
    return skipCoefficient;
  }

  /** How many hidden units contribute (V &gt; 0). */
  public int activeUnits() {
    return unit.length;
  }

  /** f(x) for x ∈ (0, 1). */
  public double value(double x) {
    return valueAtLog(StrictMath.log(x));
  }

  /** f at x = e^{logX}. */
  public double valueAtLog(double logX) {
    double[] out = new double[2];
    evaluate(logX, out);
    return out[0];
  }

  /** df/d(log x) = x·f'(x) at x = e^{logX}. */
  public double slopeAtLog(double logX) {
    double[] out = new double[2];
    evaluate(logX, out);
    return out[1];
  }

  /**
   * f and its derivative with respect to log x, at x = e^{logX} (logX ≤ 0; exact for any finite logX).
   *
   * @param out receives {f, df/d(log x)}
   */
  public void evaluate(double logX, double[] out) {
    double value;
    double slope;
    if (skip == Skip.LOG) {
      value = skipCoefficient * logX;
      slope = skipCoefficient;
    } else {
      // logit x = log x − log(1 − x); d log(1 − x)/d log x = −x/(1 − x), zero where log(1 − x) is clamped.
      double logOneMinus = LogSpace.log1mexp(logX);
      double odds = logX < LogSpace.LARGEST_NEGATIVE ? StrictMath.exp(logX - logOneMinus) : 0;
      value = skipCoefficient * (logX - logOneMinus);
      slope = skipCoefficient * (1 + odds);
    }
    for (int i = 0; i < unit.length; i++) {
      double logWx = logSlope[i] + logX;
      double wx = StrictMath.exp(logWx);
      double c = bias[i];
      double u = wx + c;
      double h;
      double dh; // d act / d log x
      switch (ACTIVATIONS[activation[i]]) {
        case IDENTITY -> {
          h = u;
          dh = wx;
        }
        case RELU_SQUARED -> {
          double p = Math.max(u, 0);
          h = p * p;
          dh = 2 * p * wx;
        }
        case CUBE -> {
          h = u * u * u;
          dh = 3 * u * u * wx;
        }
        case SQRT -> {
          if (c == 0) {
            h = Math.sqrt(wx);
            dh = 0.5 * h;
          } else {
            double p = Math.max(u, floorLow[i]);
            h = Math.sqrt(p);
            dh = u > floorLow[i] ? 0.5 * wx / h : 0;
          }
        }
        case CBRT -> {
          if (c == 0) {
            h = StrictMath.cbrt(wx);
            dh = h / 3;
          } else {
            double p = Math.max(u, floorLow[i]);
            h = StrictMath.cbrt(p);
            dh = u > floorLow[i] ? wx * h / (3 * p) : 0;
          }
        }
        case LOG -> {
          h = logPositive(logWx, wx, u, c, floorLow[i], out);
          dh = out[1];
        }
        case EXP -> {
          h = StrictMath.exp(u);
          dh = h * wx;
        }
        case TANH -> {
          h = StrictMath.tanh(u);
          dh = (1 - h * h) * wx;
        }
        case LOGIT -> {
          // log(clip(u)) − log(1 − clip(u)), clip to (0, 1] below and to 1 − u ≥ floorHigh above.
          double low = logPositive(logWx, wx, u, c, floorLow[i], out);
          double dLow = out[1];
          if (low > 0) {
            low = 0;
            dLow = 0;
          }
          double oneMinusU = -StrictMath.expm1(logWx) - c;
          double q = Math.max(oneMinusU, floorHigh[i]);
          h = low - StrictMath.log(q);
          dh = dLow + (oneMinusU > floorHigh[i] ? wx / oneMinusU : 0);
        }
        default -> throw new AssertionError();
      }
      value += weight[i] * h;
      slope += weight[i] * dh;
    }
    out[0] = value;
    out[1] = slope;
  }

  /** log((u)+) with u = W·x + c: exact log space for c = 0, floored at δ·|c| for c &lt; 0; slope in out[1]. */
  private static double logPositive(double logWx, double wx, double u, double c, double floor, double[] out) {
    if (c == 0) {
      out[1] = 1;
      return logWx;
    }
    if (u > floor) {
      out[1] = wx / u;
      return StrictMath.log(u);
    }
    out[1] = 0;
    return StrictMath.log(floor);
  }

  @Override
  public String toString() {
    return "MonotoneFunction[" + skipCoefficient + "·" + (skip == Skip.LOG ? "log x" : "logit x") + " + "
        + unit.length + " active units " + Arrays.toString(unit) + "]";
  }
}
