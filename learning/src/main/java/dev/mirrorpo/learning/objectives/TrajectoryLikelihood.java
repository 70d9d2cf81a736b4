package dev.mirrorpo.learning.objectives;

import static dev.mirrorpo.learning.nn.ScalarOps.div;
import static dev.mirrorpo.learning.nn.ScalarOps.maximum;
import static dev.mirrorpo.learning.nn.ScalarOps.mul;
import static dev.mirrorpo.learning.nn.ScalarOps.sub;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import java.util.Arrays;

/**
 * The log-likelihood of whole trajectories under a {@link GaussianPolicy}, as a probability
 * (docs/objectives.md): a Gaussian density is no probability and can exceed 1, so each action dimension gets
 * the Gaussian mass of the box [a − h, a + h] around it, log P_d = log(Φ(u) − Φ(l)) with
 * u, l = (a ± h − μ)/σ. A step's log-likelihood is the sum over dimensions, a trajectory's
 * s = Σ_t Σ_d log P_d, its per-step mean a = s/(|τ|·D), and x(τ) = eᵃ ∈ (0, 1).
 *
 * <p>Trajectories come packed: the rows of all trajectories one after the other, no padding, with
 * their lengths alongside. Preference datasets mix 20-step falls and 1000-step runs, so padding to
 * the longest would mostly compute masked zeros.
 *
 * <p>Everything is float32 NDArrays and differentiable w.r.t. the policy's parameters. The arrays it
 * creates belong to the managers of its inputs: call it inside an {@code NDScope}.
 */
public final class TrajectoryLikelihood {
  /** docs/objectives.md: h = 0.1 in action units (actions live in [−1, 1]). */
  public static final double DEFAULT_HALF_WIDTH = 0.1;
  /**
   * Boxes with (h/σ)·max(1, |z|) below this use log(2h·φ(z)/σ) plus its curvature term. Both
   * formulas then agree to ~1e-6: the midpoint rule's error falls as the fourth power of that
   * product, while the difference of two CDFs loses precision as the box narrows.
   */
  static final double NARROW_BOX = 0.05;
  private static final double HALF_LOG_TWO_PI = 0.5 * StrictMath.log(2 * Math.PI);

  private final double halfWidth;

  public TrajectoryLikelihood() {
    this(DEFAULT_HALF_WIDTH);
  }

  /** @param halfWidth h, half the width of each action's box, in action units */
  public TrajectoryLikelihood(double halfWidth) {
    if (!(halfWidth > 0) || !Double.isFinite(halfWidth)) {
      throw new IllegalArgumentException("the likelihood box half-width h must be a positive number, got " + halfWidth);
    }
    this.halfWidth = halfWidth;
  }

  public double halfWidth() {
    return halfWidth;
  }

  /** s (sum) and a = s/(|τ|·D) (per-step, per-dimension mean) of each trajectory, both [N]. */
  public record LogLikelihoods(NDArray sum, NDArray mean) {
    /** x(τ) = eᵃ ∈ (0, 1). */
    public NDArray likelihood() {
      return mean.exp();
    }
  }

  /**
   * @param normalizedObservations [Σ lengths, obs], the trajectories' rows one after the other
   * @param actions [Σ lengths, act] raw (unclipped) actions, in the same order
   * @param lengths |τ| of each trajectory, each at least 1
   */
  public LogLikelihoods of(GaussianPolicy policy, NDArray normalizedObservations, NDArray actions, int[] lengths) {
    if (normalizedObservations.getShape().get(0) != actions.getShape().get(0)) {
      throw new IllegalArgumentException(normalizedObservations.getShape().get(0) + " observation rows but "
          + actions.getShape().get(0) + " action rows");
    }
    return ofActionMeans(policy.mean(normalizedObservations), policy.logStd(), actions, lengths);
  }

  /**
   * The same from the policy's outputs, for one policy or a population of K stacked along a leading axis:
   * action means [Σ lengths, act] or [K, Σ lengths, act], log σ broadcastable to them ([1, act] or
   * [K, 1, act]) → sums and means [N] or [K, N].
   */
  public LogLikelihoods ofActionMeans(NDArray actionMeans, NDArray logStd, NDArray actions, int[] lengths) {
    long rows = Arrays.stream(lengths).asLongStream().sum();
    if (lengths.length == 0 || Arrays.stream(lengths).anyMatch(length -> length < 1)) {
      throw new IllegalArgumentException(
          "every trajectory needs at least one step, lengths " + Arrays.toString(lengths));
    }
    if (actions.getShape().get(0) != rows) {
      throw new IllegalArgumentException("trajectories of lengths summing to " + rows + " but "
          + actions.getShape().get(0) + " rows");
    }
    int dimensionAxis = actionMeans.getShape().dimension() - 1;
    NDArray perStep = logBoxMass(actionMeans, logStd, actions, halfWidth).sum(new int[] {dimensionAxis});
    NDArray sums = segmentSums(perStep, lengths);
    float[] stepsTimesDims = new float[lengths.length];
    long actionSize = actions.getShape().get(1);
    for (int i = 0; i < lengths.length; i++) {
      stepsTimesDims[i] = (float) (lengths[i] * actionSize);
    }
    NDArray means = sums.div(sums.getManager().create(stepsTimesDims));
    return new LogLikelihoods(sums, means);
  }

  /**
   * log of the N(μ, σ²) mass of [a − h, a + h], element-wise ([rows, act] means and actions,
   * [1, act] log σ).
   *
   * <p>The mass is symmetric in a − μ, so the box is reflected to the lower side of the mean first
   * (centre z = −|a − μ|/σ): there Φ of both ends is small and known to full relative precision,
   * and log(Φ(u) − Φ(l)) = log Φ(u) + log(1 − e^{log Φ(l) − log Φ(u)}) never subtracts two numbers
   * close to 1. Narrow boxes (see {@link #NARROW_BOX}) take the midpoint rule with its curvature
   * term, log φ(z) + log(2h/σ) + (z² − 1)(h/σ)²/6, because there the two CDFs nearly cancel.
   */
  public static NDArray logBoxMass(NDArray mean, NDArray logStd, NDArray actions, double halfWidth) {
    NDArray inverseStd = logStd.neg().exp();
    NDArray w = mul(inverseStd, halfWidth);
    NDArray centre = actions.sub(mean).abs().mul(inverseStd).neg();
    NDArray upper = centre.add(w);
    NDArray lower = centre.sub(w);

    NDArray logUpper = LogSpace.logNormalCdf(upper);
    // The lower end is below the mean (lower = −|a − μ|/σ − w < 0), where log Φ(lower) = log Q(−lower).
    NDArray logLower = LogSpace.logUpperTail(lower.neg());
    NDArray logDifference = logUpper.add(LogSpace.log1mexp(logLower.sub(logUpper)));

    NDArray curvature = div(sub(centre.square(), 1).mul(w.square()), 6);
    NDArray midpoint = sub(mul(centre.square(), -0.5), HALF_LOG_TWO_PI).add(mul(w, 2).log()).add(curvature);

    NDArray narrowness = w.mul(maximum(centre.abs(), 1));
    return NDArrays.where(narrowness.lt(NARROW_BOX), midpoint, logDifference);
  }

  /** Σ over each trajectory's consecutive rows along the last axis: [..., Σ lengths] → [..., N]. */
  private static NDArray segmentSums(NDArray perStep, int[] lengths) {
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
    return NDArrays.stack(sums, rowAxis);
  }
}
