package dev.mirrorpo.learning.objectives;

/**
 * Double-precision references for the tests, independent of the code under test: standard normal
 * masses by composite Simpson integration of the density, scaled so that the integrand never
 * underflows however far in the tail the interval lies.
 */
final class NormalMass {
  private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

  private NormalMass() {}

  /** log ∫_l^u φ(t) dt for l < u. */
  static double logMass(double lower, double upper) {
    if (lower >= 0) {
      // The density is symmetric; the lower side keeps the peak of the integrand at the upper end.
      double reflected = -upper;
      upper = -lower;
      lower = reflected;
    }
    double peak = Math.min(upper, 0);
    int panels = 200_000;
    double h = (upper - lower) / panels;
    double sum = 0;
    for (int k = 0; k <= panels; k++) {
      double t = lower + k * h;
      double weight = k == 0 || k == panels ? 1 : (k % 2 == 1 ? 4 : 2);
      // exp((peak² − t²)/2) ≤ 1 on [lower, upper]: φ(t)/φ(peak).
      sum += weight * Math.exp((peak - t) * (peak + t) / 2);
    }
    return -peak * peak / 2 - HALF_LOG_TWO_PI + Math.log(sum * h / 3);
  }

  /** log Φ(z): the mass below z (truncated 40 below, where the rest is below e^{-800} of it). */
  static double logCdf(double z) {
    if (z <= 0) {
      return logMass(z - 40, z);
    }
    return Math.log1p(-Math.exp(logMass(z, z + 40)));
  }

  /** log of the N(μ, σ²) mass of [a − h, a + h]. */
  static double logBoxMass(double action, double mean, double sigma, double halfWidth) {
    return logMass((action - halfWidth - mean) / sigma, (action + halfWidth - mean) / sigma);
  }
}
