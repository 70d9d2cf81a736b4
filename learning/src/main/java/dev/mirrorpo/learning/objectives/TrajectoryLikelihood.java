package dev.mirrorpo.learning.objectives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import java.util.Arrays;

/**
 * The log-likelihood of whole trajectories under a Gaussian policy, as a probability
 * (docs/objectives.md): a Gaussian density is no probability and can exceed 1, so each action dimension gets
 * the Gaussian mass of the box [a − h, a + h] around it, log P_d = log(Φ(u) − Φ(l)) with
 * u, l = (a ± h − μ)/σ. A step's log-likelihood is the sum over dimensions, a trajectory's
 * s = Σ_t Σ_d log P_d, its per-step mean a = s/(|τ|·D), and x(τ) = eᵃ ∈ (0, 1).
 *
 * <p>Trajectories come packed: the rows of all trajectories one after the other, no padding, with
 * their lengths alongside. Preference datasets mix 20-step falls and 1000-step runs, so padding to
 * the longest would mostly compute masked zeros.
 *
 * <p>log P and its derivatives with respect to the policy's outputs μ and log σ are computed in Java
 * ({@link BoxMass}) from the outputs' values, and the sums s enter autograd as leaves, so the objective stays
 * differentiable in DJL on the [N] arrays. After the loss's backward pass has reached them,
 * {@link Evaluation#outputGradients} applies the chain rule, ∂L/∂μ = Σ ∂L/∂s · ∂s/∂μ, for whoever carries it on
 * through the network (the trainer's {@link dev.mirrorpo.learning.nn.MlpKernel}, or autograd). Call it inside an
 * {@code NDScope}.
 */
public final class TrajectoryLikelihood {
  /** docs/objectives.md: h = 0.1 in action units (actions live in [−1, 1]). */
  public static final double DEFAULT_HALF_WIDTH = 0.1;

  private final double halfWidth;
  private final double logTwoHalfWidth;

  public TrajectoryLikelihood() {
    this(DEFAULT_HALF_WIDTH);
  }

  /** @param halfWidth h, half the width of each action's box, in action units */
  public TrajectoryLikelihood(double halfWidth) {
    if (!(halfWidth > 0) || !Double.isFinite(halfWidth)) {
      throw new IllegalArgumentException("the likelihood box half-width h must be a positive number, got " + halfWidth);
    }
    this.halfWidth = halfWidth;
    this.logTwoHalfWidth = StrictMath.log(2 * halfWidth);
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
   * The log-likelihoods of packed trajectories under one policy, whose forward pass runs through DJL as when it
   * plays (figures and checks; the trainer runs its own, {@link dev.mirrorpo.learning.nn.MlpKernel}).
   *
   * @param normalizedObservations [Σ lengths, obs], the trajectories' rows one after the other
   */
  public Evaluation of(GaussianPolicy policy, NDArray normalizedObservations, float[] actions, int[] lengths) {
    try (NDArray means = policy.mean(normalizedObservations)) {
      return of(means.toFloatArray(), policy.logStd().toFloatArray(), 1, false, actions, lengths,
          normalizedObservations.getManager());
    }
  }

  /**
   * The log-likelihoods of packed trajectories under K ≥ 1 policies, from their outputs.
   *
   * @param actionMeans the policies' action means, [K, Σ lengths, act] row-major
   * @param logStds their log σ, [K, act]
   * @param actions raw (unclipped) actions, row-major [Σ lengths, act]
   * @param lengths |τ| of each trajectory, each at least 1
   * @param population whether the sums and means are [K, N] (a population, even of one) or [N] (one policy)
   * @param manager owns the arrays made
   */
  public Evaluation of(float[] actionMeans, float[] logStds, int members, boolean population, float[] actions,
      int[] lengths, NDManager manager) {
    long rowCount = Arrays.stream(lengths).asLongStream().sum();
    if (lengths.length == 0 || Arrays.stream(lengths).anyMatch(length -> length < 1)) {
      throw new IllegalArgumentException(
          "every trajectory needs at least one step, lengths " + Arrays.toString(lengths));
    }
    int act = logStds.length / members;
    if (logStds.length != members * act || actions.length != rowCount * act
        || actionMeans.length != members * rowCount * act) {
      throw new IllegalArgumentException("trajectories of lengths summing to " + rowCount + " but "
          + actions.length / act + " rows of actions and " + actionMeans.length / act + " of action means for "
          + members + " policies of " + act + " action dimensions");
    }
    int rows = (int) rowCount;
    int trajectories = lengths.length;
    float[] sums = new float[members * trajectories];
    double[] byMean = new double[actionMeans.length];
    double[] byLogStd = new double[members * trajectories * act];
    double[] inverseStd = new double[act];
    double[] halfWidthOverStd = new double[act];
    double[] logTwoHalfWidthOverStd = new double[act];
    double[] derivatives = new double[2];
    for (int k = 0; k < members; k++) {
      for (int d = 0; d < act; d++) {
        double logSigma = logStds[k * act + d];
        inverseStd[d] = StrictMath.exp(-logSigma);
        halfWidthOverStd[d] = halfWidth * inverseStd[d];
        logTwoHalfWidthOverStd[d] = logTwoHalfWidth - logSigma;
      }
      int row = 0;
      for (int i = 0; i < trajectories; i++) {
        double sum = 0;
        int trajectory = (k * trajectories + i) * act;
        for (int end = row + lengths[i]; row < end; row++) {
          for (int d = 0; d < act; d++) {
            int element = (k * rows + row) * act + d;
            sum += BoxMass.logMass(actions[row * act + d], actionMeans[element], inverseStd[d], halfWidthOverStd[d],
                logTwoHalfWidthOverStd[d], derivatives);
            byMean[element] = derivatives[0];
            byLogStd[trajectory + d] += derivatives[1];
          }
        }
        sums[k * trajectories + i] = (float) sum;
      }
    }
    NDArray sumArray = manager.create(sums, population ? new Shape(members, trajectories) : new Shape(trajectories));
    sumArray.setRequiresGradient(true);
    float[] stepsTimesDims = new float[trajectories];
    for (int i = 0; i < trajectories; i++) {
      stepsTimesDims[i] = (float) ((long) lengths[i] * act);
    }
    NDArray meanArray = sumArray.div(manager.create(stepsTimesDims));
    return new Evaluation(new LogLikelihoods(sumArray, meanArray), act, lengths, byMean, byLogStd);
  }

  /**
   * The trajectories' log-likelihoods, whose sums are autograd leaves, and their derivatives with respect
   * to the policy's outputs, to carry a loss's gradient on to the policy.
   */
  public static final class Evaluation {
    private final LogLikelihoods logLikelihoods;
    private final int act;
    private final int[] lengths;
    /** ∂log P/∂μ of every element of the action means, in their layout. */
    private final double[] byMean;
    /** Σ over each trajectory's steps of ∂log P/∂log σ, [K, N, act]. */
    private final double[] byLogStd;

    private Evaluation(LogLikelihoods logLikelihoods, int act, int[] lengths, double[] byMean, double[] byLogStd) {
      this.logLikelihoods = logLikelihoods;
      this.act = act;
      this.lengths = lengths;
      this.byMean = byMean;
      this.byLogStd = byLogStd;
    }

    public LogLikelihoods logLikelihoods() {
      return logLikelihoods;
    }

    /**
     * Once a loss has been backpropagated to the sums, its gradient with respect to the policies' outputs, by the
     * chain rule ∂L/∂μ = Σ ∂L/∂s · ∂s/∂μ, in the layouts of {@link #of}'s action means and log σ.
     */
    public OutputGradients outputGradients() {
      float[] bySum;
      try (NDArray sumGradient = logLikelihoods.sum().getGradient()) {
        bySum = sumGradient.toFloatArray();
      }
      int trajectories = lengths.length;
      int members = bySum.length / trajectories;
      float[] meanGradient = new float[byMean.length];
      float[] logStdGradient = new float[members * act];
      int element = 0;
      for (int k = 0; k < members; k++) {
        for (int i = 0; i < trajectories; i++) {
          double slope = bySum[k * trajectories + i];
          for (int end = element + lengths[i] * act; element < end; element++) {
            meanGradient[element] = (float) (slope * byMean[element]);
          }
        }
        for (int d = 0; d < act; d++) {
          double gradient = 0;
          for (int i = 0; i < trajectories; i++) {
            gradient += bySum[k * trajectories + i] * byLogStd[(k * trajectories + i) * act + d];
          }
          logStdGradient[k * act + d] = (float) gradient;
        }
      }
      return new OutputGradients(meanGradient, logStdGradient);
    }
  }

  /** ∂L/∂μ [K, Σ lengths, act] and ∂L/∂log σ [K, act]. */
  public record OutputGradients(float[] actionMeans, float[] logStd) {}
}
