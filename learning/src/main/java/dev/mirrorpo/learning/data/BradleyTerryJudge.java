package dev.mirrorpo.learning.data;

/**
 * The Bradley-Terry judge of docs/design.md §6: it prefers trajectory a to b with probability
 * σ((R(a) − R(b))/η), R the true return and η the temperature. A low temperature ranks almost
 * always by return; a high one errs often on close returns (the poor judge).
 */
public record BradleyTerryJudge(double temperature) {
  public BradleyTerryJudge {
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("judge temperature η must be a positive number, got " + temperature);
    }
  }

  /**
   * The temperature at which the judge prefers a trajectory that returns {@code returnGap} more
   * with probability {@code agreement}: η = Δr / ln(p / (1 − p)) (the calibration of docs/datasets.md).
   */
  public static BradleyTerryJudge calibrated(double returnGap, double agreement) {
    if (!(agreement > 0.5 && agreement < 1)) {
      throw new IllegalArgumentException("judge agreement must lie strictly between 0.5 and 1, got " + agreement);
    }
    if (!(returnGap > 0) || Double.isInfinite(returnGap)) {
      throw new IllegalArgumentException("return gap to calibrate the judge on must be a positive number, got "
          + returnGap + " (the better agent must return more than the worse one)");
    }
    return new BradleyTerryJudge(returnGap / StrictMath.log(agreement / (1 - agreement)));
  }

  /** P(a ≻ b) = σ((returnA − returnB)/η), exact for any difference (no overflow of exp). */
  public double probabilityPrefers(double returnA, double returnB) {
    double z = (returnA - returnB) / temperature;
    return z >= 0 ? 1 / (1 + StrictMath.exp(-z)) : StrictMath.exp(z) / (1 + StrictMath.exp(z));
  }

  /**
   * The judge's label for one pair: whether it prefers a, given a uniform draw in [0, 1) that is
   * the judge's own randomness.
   */
  public boolean prefersFirst(double returnA, double returnB, double uniformDraw) {
    return uniformDraw < probabilityPrefers(returnA, returnB);
  }
}
