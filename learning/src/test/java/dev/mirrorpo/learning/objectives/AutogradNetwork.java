package dev.mirrorpo.learning.objectives;

import ai.djl.ndarray.NDArray;
import dev.mirrorpo.learning.nn.GradientTape;
import dev.mirrorpo.learning.policy.GaussianPolicy;

/**
 * A {@link TrajectoryLikelihood} of one policy whose forward pass runs through DJL on an autograd tape, so that a
 * loss's gradient reaches the policy's parameters the way PyTorch computes it: the reference the trainer's network
 * kernel is checked against, and the gradient of tests that only need some gradient.
 */
public final class AutogradNetwork {
  private final NDArray actionMeans;
  private final NDArray logStd;
  private final TrajectoryLikelihood.Evaluation evaluation;

  private AutogradNetwork(NDArray actionMeans, NDArray logStd, TrajectoryLikelihood.Evaluation evaluation) {
    this.actionMeans = actionMeans;
    this.logStd = logStd;
    this.evaluation = evaluation;
  }

  /** Call it with a {@link GradientTape} recording, inside an {@code NDScope} or a manager that is closed after. */
  public static AutogradNetwork of(TrajectoryLikelihood likelihood, GaussianPolicy policy,
      NDArray normalizedObservations, float[] actions, int[] lengths) {
    NDArray means = policy.mean(normalizedObservations);
    return new AutogradNetwork(means, policy.logStd(), likelihood.of(means.toFloatArray(),
        policy.logStd().toFloatArray(), 1, false, actions, lengths, normalizedObservations.getManager()));
  }

  public TrajectoryLikelihood.LogLikelihoods logLikelihoods() {
    return evaluation.logLikelihoods();
  }

  /** Once a loss has been backpropagated to the likelihoods, on to the policy's parameters' gradients. */
  public void backpropagate(GradientTape tape) {
    TrajectoryLikelihood.OutputGradients outputs = evaluation.outputGradients();
    tape.backward(actionMeans, actionMeans.getManager().create(outputs.actionMeans(), actionMeans.getShape()));
    tape.backward(logStd, actionMeans.getManager().create(outputs.logStd(), logStd.getShape()));
  }
}
