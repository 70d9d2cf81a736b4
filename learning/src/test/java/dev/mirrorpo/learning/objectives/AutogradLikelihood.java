package dev.mirrorpo.learning.objectives;

import static dev.mirrorpo.learning.nn.ScalarOps.add;
import static dev.mirrorpo.learning.nn.ScalarOps.div;
import static dev.mirrorpo.learning.nn.ScalarOps.maximum;
import static dev.mirrorpo.learning.nn.ScalarOps.mul;
import static dev.mirrorpo.learning.nn.ScalarOps.pow;
import static dev.mirrorpo.learning.nn.ScalarOps.sub;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.mirrorpo.learning.objectives.TrajectoryLikelihood.LogLikelihoods;

/**
 * The box-mass likelihood built from DJL's float32 tensor operations and differentiated by autograd, as
 * the trainer computed it before {@link BoxMass} took over: the independent reference that the
 * hand-written derivatives are checked against. Same formula (reflection below the mean, log-space
 * difference of the two CDFs, the erfc fit, the midpoint rule for narrow boxes), other arithmetic.
 */
public final class AutogradLikelihood {
  private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
  private static final double LOG_TWO = Math.log(2);
  private static final double SQRT_HALF = Math.sqrt(0.5);

  private AutogradLikelihood() {}

  /**
   * s and a of packed trajectories from the policy's outputs (as {@link TrajectoryLikelihood#ofActionMeans}):
   * action means [rows, act] or [K, rows, act], log σ broadcastable to them, actions [rows, act].
   */
  public static LogLikelihoods of(NDArray actionMeans, NDArray logStd, NDArray actions, int[] lengths,
      double halfWidth) {
    int dimensionAxis = actionMeans.getShape().dimension() - 1;
    NDArray perStep = logBoxMass(actionMeans, logStd, actions, halfWidth).sum(new int[] {dimensionAxis});
    int rowAxis = perStep.getShape().dimension() - 1;
    long[] boundaries = new long[lengths.length - 1];
    long at = 0;
    for (int i = 0; i + 1 < lengths.length; i++) {
      at += lengths[i];
      boundaries[i] = at;
    }
    NDList segments = perStep.split(boundaries, rowAxis);
    NDList sums = new NDList(segments.size());
    for (NDArray segment : segments) {
      sums.add(segment.sum(new int[] {rowAxis}));
    }
    NDArray sum = NDArrays.stack(sums, rowAxis);
    float[] stepsTimesDims = new float[lengths.length];
    long actionSize = actions.getShape().get(1);
    for (int i = 0; i < lengths.length; i++) {
      stepsTimesDims[i] = (float) (lengths[i] * actionSize);
    }
    return new LogLikelihoods(sum, sum.div(sum.getManager().create(stepsTimesDims)));
  }

  /** log of the N(μ, σ²) mass of [a − h, a + h], element-wise. */
  public static NDArray logBoxMass(NDArray mean, NDArray logStd, NDArray actions, double halfWidth) {
    NDArray inverseStd = logStd.neg().exp();
    NDArray w = mul(inverseStd, halfWidth);
    NDArray centre = actions.sub(mean).abs().mul(inverseStd).neg();
    NDArray upper = centre.add(w);
    NDArray lower = centre.sub(w);

    NDArray logUpper = logNormalCdf(upper);
    NDArray logLower = logUpperTail(lower.neg());
    NDArray logDifference = logUpper.add(LogSpace.log1mexp(logLower.sub(logUpper)));

    NDArray curvature = div(sub(centre.square(), 1).mul(w.square()), 6);
    NDArray midpoint = sub(mul(centre.square(), -0.5), HALF_LOG_TWO_PI).add(mul(w, 2).log()).add(curvature);

    NDArray narrowness = w.mul(maximum(centre.abs(), 1));
    return NDArrays.where(narrowness.lt(BoxMass.NARROW_BOX), midpoint, logDifference);
  }

  /** log Q(y) for y ≥ 0 from the erfc fit, written as log t − x² + P(t) so that it never underflows. */
  static NDArray logUpperTail(NDArray y) {
    NDArray x = mul(y, SQRT_HALF);
    NDArray t = pow(add(div(x, 2), 1), -1);
    double[] coefficients = {
      -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
      0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277
    };
    NDArray polynomial = mul(t, coefficients[coefficients.length - 1]);
    for (int k = coefficients.length - 2; k >= 1; k--) {
      polynomial = add(polynomial, coefficients[k]).mul(t);
    }
    polynomial = add(polynomial, coefficients[0]);
    return sub(t.log().sub(x.square()).add(polynomial), LOG_TWO);
  }

  /** log Φ(z) for any z: log Q(−z) below the mean, log(1 − Q(z)) above it. */
  static NDArray logNormalCdf(NDArray z) {
    NDArray logTail = logUpperTail(z.abs());
    return NDArrays.where(z.lte(0), logTail, LogSpace.log1mexp(logTail));
  }
}
