package dev.mirrorpo.learning.objectives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.mirrorpo.learning.nn.GradientTape;
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
 * <p>The policy's action means come from autograd; log P and its derivatives with respect to μ and
 * log σ are computed in Java ({@link BoxMass}), and the sums s enter autograd as leaves, so the objective
 * stays differentiable in DJL on the [N] arrays. After the loss's backward pass has reached them,
 * {@link Evaluation#backpropagate} applies the chain rule, ∂L/∂μ = Σ ∂L/∂s · ∂s/∂μ, and carries it
 * through the policy's network. The arrays it creates belong to the managers of its inputs: call it
 * inside an {@code NDScope}.
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
   * @param normalizedObservations [Σ lengths, obs], the trajectories' rows one after the other
   * @param actions raw (unclipped) actions in the same order, row-major [Σ lengths, act]
   * @param lengths |τ| of each trajectory, each at least 1
   */
  public Evaluation of(GaussianPolicy policy, NDArray normalizedObservations, float[] actions, int[] lengths) {
    long actionSize = policy.architecture().actionSize();
    if (normalizedObservations.getShape().get(0) * actionSize != actions.length) {
      throw new IllegalArgumentException(normalizedObservations.getShape().get(0) + " observation rows but "
          + actions.length / actionSize + " action rows");
    }
    return ofActionMeans(policy.mean(normalizedObservations), policy.logStd(), actions, lengths);
  }

  /**
   * The same from the policy's outputs, for one policy or a population of K stacked along a leading axis:
   * action means [Σ lengths, act] or [K, Σ lengths, act], log σ [1, act] or [K, 1, act] → sums and means
   * [N] or [K, N].
   */
  public Evaluation ofActionMeans(NDArray actionMeans, NDArray logStd, float[] actions, int[] lengths) {
    long rowCount = Arrays.stream(lengths).asLongStream().sum();
    if (lengths.length == 0 || Arrays.stream(lengths).anyMatch(length -> length < 1)) {
      throw new IllegalArgumentException(
          "every trajectory needs at least one step, lengths " + Arrays.toString(lengths));
    }
    Shape meanShape = actionMeans.getShape();
    boolean population = meanShape.dimension() == 3;
    int members = population ? (int) meanShape.get(0) : 1;
    int rows = (int) meanShape.get(meanShape.dimension() - 2);
    int act = (int) meanShape.get(meanShape.dimension() - 1);
    if (rows != rowCount || actions.length != rowCount * act) {
      throw new IllegalArgumentException("trajectories of lengths summing to " + rowCount + " but "
          + rows + " rows of action means and " + actions.length / act + " of actions");
    }
    int trajectories = lengths.length;
    float[] means = actionMeans.toFloatArray();
    float[] logStds = logStd.toFloatArray();
    float[] sums = new float[members * trajectories];
    double[] byMean = new double[means.length];
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
            sum += BoxMass.logMass(actions[row * act + d], means[element], inverseStd[d], halfWidthOverStd[d],
                logTwoHalfWidthOverStd[d], derivatives);
            byMean[element] = derivatives[0];
            byLogStd[trajectory + d] += derivatives[1];
          }
        }
        sums[k * trajectories + i] = (float) sum;
      }
    }
    NDManager manager = actionMeans.getManager();
    NDArray sumArray = manager.create(sums, population ? new Shape(members, trajectories) : new Shape(trajectories));
    sumArray.setRequiresGradient(true);
    float[] stepsTimesDims = new float[trajectories];
    for (int i = 0; i < trajectories; i++) {
      stepsTimesDims[i] = (float) ((long) lengths[i] * act);
    }
    NDArray meanArray = sumArray.div(manager.create(stepsTimesDims));
    return new Evaluation(new LogLikelihoods(sumArray, meanArray), actionMeans, logStd, lengths, byMean, byLogStd);
  }

  /**
   * The trajectories' log-likelihoods, whose sums are autograd leaves, and their derivatives with respect
   * to the policy's outputs, to carry a loss's gradient on to the policy.
   */
  public static final class Evaluation {
    private final LogLikelihoods logLikelihoods;
    private final NDArray actionMeans;
    private final NDArray logStd;
    private final int[] lengths;
    /** ∂log P/∂μ of every element of the action means, in their layout. */
    private final double[] byMean;
    /** Σ over each trajectory's steps of ∂log P/∂log σ, [K, N, act]. */
    private final double[] byLogStd;

    private Evaluation(LogLikelihoods logLikelihoods, NDArray actionMeans, NDArray logStd, int[] lengths,
        double[] byMean, double[] byLogStd) {
      this.logLikelihoods = logLikelihoods;
      this.actionMeans = actionMeans;
      this.logStd = logStd;
      this.lengths = lengths;
      this.byMean = byMean;
      this.byLogStd = byLogStd;
    }

    public LogLikelihoods logLikelihoods() {
      return logLikelihoods;
    }

    /**
     * Once a loss has been backpropagated to the sums (on {@code tape}), backpropagates it on to the action
     * means and log σ, and through them to the policy's parameters.
     */
    public void backpropagate(GradientTape tape) {
      float[] bySum;
      try (NDArray sumGradient = logLikelihoods.sum().getGradient()) {
        bySum = sumGradient.toFloatArray();
      }
      int trajectories = lengths.length;
      int members = bySum.length / trajectories;
      int act = (int) logStd.getShape().get(logStd.getShape().dimension() - 1);
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
      NDManager manager = actionMeans.getManager();
      tape.backward(actionMeans, manager.create(meanGradient, actionMeans.getShape()));
      tape.backward(logStd, manager.create(logStdGradient, logStd.getShape()));
    }
  }
}
