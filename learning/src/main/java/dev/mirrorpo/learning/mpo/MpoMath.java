package dev.mirrorpo.learning.mpo;

/** Stable log-space helpers in double precision for the MPO functions (plain Java, no autograd). */
final class MpoMath {
  private static final double LOG_TWO = StrictMath.log(2);
  /**
   * log(1 − eˣ) is taken at x = −1e-30 for x in (−1e-30, 0], as the baselines' float32 log1mexp does
   * (docs/objectives.md): log(1e-30) ≈ −69 instead of −∞ when x(τ) rounds to 1.
   */
  static final double LARGEST_NEGATIVE = -1e-30;

  private MpoMath() {}

  /** log(1 − eˣ) for x ≤ 0 (Mächler 2012), with x clamped to at most {@link #LARGEST_NEGATIVE}. */
  static double log1mexp(double x) {
    double clamped = Math.min(x, LARGEST_NEGATIVE);
    return clamped > -LOG_TWO ? StrictMath.log(-StrictMath.expm1(clamped)) : StrictMath.log1p(-StrictMath.exp(clamped));
  }

  /** log(1 + eˣ), finite for every finite x. */
  static double softplus(double x) {
    return Math.max(x, 0) + StrictMath.log1p(StrictMath.exp(-Math.abs(x)));
  }

  /** log σ(z) = −softplus(−z). */
  static double logSigmoid(double z) {
    return -softplus(-z);
  }

  /** σ(z) without overflow. */
  static double sigmoid(double z) {
    if (z >= 0) {
      return 1 / (1 + StrictMath.exp(-z));
    }
    double e = StrictMath.exp(z);
    return e / (1 + e);
  }
}
