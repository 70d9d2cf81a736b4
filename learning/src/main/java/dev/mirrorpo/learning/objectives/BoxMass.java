package dev.mirrorpo.learning.objectives;

/**
 * log P for one action dimension, P the N(μ, σ²) mass of the box [a − h, a + h] around the action
 * (docs/objectives.md), and its closed-form partial derivatives with respect to μ and log σ, in double
 * precision. A trainer step evaluates it for every (step, dimension) of a minibatch in one Java loop:
 * built from tensor operations, the same quantity costs a few hundred tiny native calls forward and as
 * many autograd nodes backward (docs/benchmarks.md, "Trainer throughput").
 *
 * <p>With c = −|a − μ|/σ (the box reflected below the mean, where the mass is the same), w = h/σ and the
 * box's ends U = c + w, L = c − w: P = Φ(U) − Φ(L), ∂log P/∂c = (φ(U) − φ(L))/P and, since c and w are
 * both proportional to 1/σ, ∂log P/∂log σ = (L·φ(L) − U·φ(U))/P. The normal tail Q(y) = Φ(−y) is
 * written as φ(y)·R(y) with R the Mills ratio from the same erfc fit as before this class existed
 * (Numerical Recipes' erfcc, fractional error below 1.2e-7), so φ(U) factors out of P and the ratios
 * φ/P need no exponential of −U²/2, which underflows for actions far in the tail. Double precision
 * leaves the difference of the two tails with ten or more correct digits wherever the box is not narrow.
 * Narrow boxes, (h/σ)·max(1, |c|) &lt; {@link #NARROW_BOX}, take the midpoint rule with its curvature
 * term, log φ(c) + log 2w + (c² − 1)·w²/6, and its own derivatives, as the float32 formula did.
 *
 * <p>Runtime maths is StrictMath, as everywhere that feeds training (docs/training.md, "Determinism").
 */
final class BoxMass {
  /**
   * Boxes with (h/σ)·max(1, |c|) below this use the midpoint rule: both formulas then agree to ~1e-6,
   * the midpoint rule's error falling as the fourth power of that product.
   */
  static final double NARROW_BOX = 0.05;
  private static final double HALF_LOG_TWO_PI = 0.5 * StrictMath.log(2 * Math.PI);
  private static final double INVERSE_SQRT_TWO_PI = 1 / StrictMath.sqrt(2 * Math.PI);
  private static final double SQRT_HALF_PI = StrictMath.sqrt(Math.PI / 2);
  private static final double SQRT_HALF = StrictMath.sqrt(0.5);
  /** erfc(x) ≈ t·exp(−x² + Σ_k c_k t^k), t = 1/(1 + x/2), x ≥ 0 (Numerical Recipes §6.2, "erfcc"). */
  private static final double[] ERFC_FIT = {
    -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
    0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277
  };

  private BoxMass() {}

  /**
   * log P of one action dimension; ∂log P/∂μ goes to {@code derivatives[0]}, ∂log P/∂log σ to
   * {@code derivatives[1]}.
   *
   * @param inverseStd 1/σ
   * @param halfWidthOverStd w = h/σ
   * @param logTwoHalfWidthOverStd log 2w (hoisted with the two before by callers that loop over rows)
   */
  static double logMass(double action, double mean, double inverseStd, double halfWidthOverStd,
      double logTwoHalfWidthOverStd, double[] derivatives) {
    double w = halfWidthOverStd;
    double deviation = action - mean;
    double c = -Math.abs(deviation) * inverseStd;
    double logMass;
    double byCentre;
    double byLogStd;
    if (w * Math.max(1, -c) < NARROW_BOX) {
      double c2 = c * c;
      double w2 = w * w;
      logMass = -0.5 * c2 - HALF_LOG_TWO_PI + logTwoHalfWidthOverStd + (c2 - 1) * w2 / 6;
      byCentre = c * (w2 / 3 - 1);
      byLogStd = c2 - 1 - (2 * c2 - 1) * w2 / 3;
    } else {
      double upper = c + w;
      double lower = c - w;
      // φ(L)/φ(U) = exp(−(L² − U²)/2) = e^{2wc} ≤ 1.
      double lowerDensityRatio = StrictMath.exp(2 * w * c);
      double upperRatio;
      if (upper <= 0) {
        // P = φ(U)·(R(−U) − e^{2wc}·R(−L)): both ends below the mean, nothing but the tails' ratio left.
        double tails = millsRatio(-upper) - lowerDensityRatio * millsRatio(-lower);
        logMass = -0.5 * upper * upper - HALF_LOG_TWO_PI + StrictMath.log(tails);
        upperRatio = 1 / tails;
      } else {
        // The box straddles the mean: P = 1 − Q(U) − Q(−L), neither tail above ½.
        double upperDensity = INVERSE_SQRT_TWO_PI * StrictMath.exp(-0.5 * upper * upper);
        double mass = 1 - upperDensity * (millsRatio(upper) + lowerDensityRatio * millsRatio(-lower));
        logMass = StrictMath.log(mass);
        upperRatio = upperDensity / mass;
      }
      double lowerRatio = lowerDensityRatio * upperRatio;
      byCentre = upperRatio - lowerRatio;
      byLogStd = lower * lowerRatio - upper * upperRatio;
    }
    // c = −|a − μ|/σ: ∂c/∂μ = sign(a − μ)/σ (at a = μ, c = 0 where ∂log P/∂c vanishes by symmetry).
    derivatives[0] = byCentre * Math.signum(deviation) * inverseStd;
    derivatives[1] = byLogStd;
    return logMass;
  }

  /** R(y) = Q(y)/φ(y) for y ≥ 0, from the erfc fit: Q(y) = ½·erfc(y/√2). */
  static double millsRatio(double y) {
    double t = 1 / (1 + 0.5 * SQRT_HALF * y);
    double polynomial = ERFC_FIT[ERFC_FIT.length - 1];
    for (int k = ERFC_FIT.length - 2; k >= 0; k--) {
      polynomial = polynomial * t + ERFC_FIT[k];
    }
    return SQRT_HALF_PI * t * StrictMath.exp(polynomial);
  }
}
