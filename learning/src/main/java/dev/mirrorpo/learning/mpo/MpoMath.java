package dev.mirrorpo.learning.mpo;

/** Stable log-space helpers in double precision for the MPO functions (plain Java, no autograd). */
final class MpoMath {
  private MpoMath() {}

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
