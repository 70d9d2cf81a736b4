package dev.mirrorpo.learning.objectives;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * Numerically stable log-space functions: on float32 NDArrays, differentiable through DJL's autograd, and in double
 * precision for code that computes outside it (the MPO functions).
 */
public final class LogSpace {
  private static final double LOG_TWO = StrictMath.log(2);
  /**
   * log(1 − eˣ) is taken at x = −1e-30 for x in (−1e-30, 0] (docs/objectives.md): log(1e-30) ≈ −69 instead of −∞
   * when x(τ) rounds to 1, with gradient 0 there.
   */
  public static final double LARGEST_NEGATIVE = -1e-30;

  private LogSpace() {}

  /** −log σ(z) = softplus(−z) = log(1 + e^{−z}): finite for every finite z (the naive form overflows). */
  static NDArray negLogSigmoid(NDArray z) {
    return Activation.softPlus(z.neg());
  }

  /** log(1 − eˣ) of every element, computed in double precision ({@link #log1mexp(double)}), as its tangent. */
  static NDArray log1mexp(NDArray x) {
    return Tangent.of(x, LogSpace::log1mexp, LogSpace::log1mexpDerivative);
  }

  /**
   * log(1 − eˣ) for x ≤ 0 (Mächler 2012, "Accurately computing log(1 − exp(−|a|))"): log(−expm1(x)) near 0,
   * log1p(−eˣ) below −log 2; x is clamped to at most {@link #LARGEST_NEGATIVE}.
   */
  public static double log1mexp(double x) {
    double clamped = Math.min(x, LARGEST_NEGATIVE);
    return clamped > -LOG_TWO ? StrictMath.log(-StrictMath.expm1(clamped)) : StrictMath.log1p(-StrictMath.exp(clamped));
  }

  /** d/dx log(1 − eˣ) = −1/(e^{−x} − 1); 0 where x is clamped. */
  private static double log1mexpDerivative(double x) {
    return x > LARGEST_NEGATIVE ? 0 : -1 / StrictMath.expm1(-x);
  }
}
