package dev.mirrorpo.learning.objectives;

import static dev.mirrorpo.learning.nn.ScalarOps.add;
import static dev.mirrorpo.learning.nn.ScalarOps.div;
import static dev.mirrorpo.learning.nn.ScalarOps.minimum;
import static dev.mirrorpo.learning.nn.ScalarOps.mul;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.nn.Activation;

/**
 * Numerically stable log-space functions on float32 NDArrays, differentiable through DJL's autograd.
 *
 * <p>DJL 0.36 has no {@code log1p} or {@code expm1} (and its PyTorch engine does not implement
 * {@code atanh}), so each is built from ops it has: log1p from its Taylor series near zero, and
 * 1 − eˣ = −2·sinh(x/2)·e^{x/2} (sinh is accurate for small arguments).
 * Where a function picks one of two formulas, each formula only ever sees arguments inside its own
 * valid range: {@code where} zeroes the unused branch's gradient, but an infinite value there would
 * still turn that zero into NaN.
 */
final class LogSpace {
  private static final double LOG_TWO = StrictMath.log(2);
  /** log(1 − eˣ) for x in (−1e-30, 0] is taken at −1e-30: log(1e-30) ≈ −69 instead of −∞ at x = 0. */
  private static final double LARGEST_NEGATIVE = -1e-30;
  private static final double LOG1P_SERIES_RADIUS = 0.25;
  private static final int LOG1P_SERIES_TERMS = 12;

  private LogSpace() {}

  /** −log σ(z) = softplus(−z) = log(1 + e^{−z}): finite for every finite z (the naive form overflows). */
  static NDArray negLogSigmoid(NDArray z) {
    return Activation.softPlus(z.neg());
  }

  /** log(1 + v) for v > −1: the Taylor series for |v| < 1/4 (log(1 + v) would round 1 + v first). */
  static NDArray log1p(NDArray v) {
    NDArray small = v.clip(-LOG1P_SERIES_RADIUS, LOG1P_SERIES_RADIUS);
    // Σ_{k=1..K} (−1)^{k+1} v^k / k by Horner's scheme; the first term left out is below 1e-8 relative.
    NDArray series = mul(small, seriesCoefficient(LOG1P_SERIES_TERMS));
    for (int k = LOG1P_SERIES_TERMS - 1; k >= 1; k--) {
      series = add(series, seriesCoefficient(k)).mul(small);
    }
    return NDArrays.where(v.abs().lt(LOG1P_SERIES_RADIUS), series, add(v, 1).log());
  }

  private static double seriesCoefficient(int k) {
    return (k % 2 == 1 ? 1.0 : -1.0) / k;
  }

  /**
   * log(1 − eˣ) for x ≤ 0 (−∞ at 0 is reported as log(1e-30) ≈ −69). Near 0 it is log(−expm1(x));
   * below −log 2 it is log1p(−eˣ) (Mächler 2012, "Accurately computing log(1 − exp(−|a|))").
   */
  static NDArray log1mexp(NDArray x) {
    NDArray nearZero = x.clip(-LOG_TWO, LARGEST_NEGATIVE);
    NDArray viaSinh = mul(div(nearZero, 2).sinh(), -2).log().add(div(nearZero, 2));
    NDArray farBelow = minimum(x, -LOG_TWO);
    NDArray viaLog1p = log1p(farBelow.exp().neg());
    return NDArrays.where(x.gt(-LOG_TWO), viaSinh, viaLog1p);
  }
}
