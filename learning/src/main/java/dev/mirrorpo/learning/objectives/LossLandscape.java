package dev.mirrorpo.learning.objectives;

import static dev.mirrorpo.learning.nn.ScalarOps.mul;

import ai.djl.ndarray.NDArray;
import dev.mirrorpo.learning.nn.GradientTape;
import ai.djl.ndarray.NDManager;

/**
 * An objective's loss and its gradients over a grid of (log π(τ_w), log π(τ_l)), as in the MPO
 * paper's Figures 1–4. The grid values are the per-step, per-dimension means a_w, a_l; the sums
 * follow as s = a·|τ|·D for a nominal trajectory of {@code length} steps and {@code actionSize}
 * dimensions, both sides equally long. π_ref, where the objective needs it, sits at the grid centre
 * for both sides (r̄_w = r̄_l = centre, r = centre·|τ|·D), so Δ = |τ|·D·(a_w − a_l). Gradients are the
 * total derivatives along the grid axes, ∂L/∂a + |τ|·D·∂L/∂s.
 *
 * @param grid the axis values, shared by both axes, ascending
 * @param loss loss[i][j] at a_w = grid[i], a_l = grid[j]; likewise the gradients
 * @param referenceMean r̄ used for both sides (the grid centre)
 */
public record LossLandscape(
    double[] grid,
    double[][] loss,
    double[][] chosenGradient,
    double[][] rejectedGradient,
    int length,
    int actionSize,
    double referenceMean) {

  /** docs/design.md §6: the paper's trajectories are 1000 steps. */
  public static final int NOMINAL_LENGTH = 1000;
  /** Hopper's action size. */
  public static final int NOMINAL_ACTION_SIZE = 3;

  /** Evaluates {@code objective} on a steps × steps grid over [from, to] (log-likelihoods, so to < 0). */
  public static LossLandscape evaluate(Objective objective, double from, double to, int steps, int length,
      int actionSize) {
    if (!(from < to) || !(to < 0) || steps < 2) {
      throw new IllegalArgumentException("the grid needs FROM < TO < 0 (per-step log-likelihoods of a probability "
          + "are negative) and at least 2 steps, got " + from + ":" + to + ":" + steps);
    }
    if (length < 1 || actionSize < 1) {
      throw new IllegalArgumentException("length and action size must be at least 1, got " + length + " and "
          + actionSize);
    }
    double[] grid = new double[steps];
    for (int i = 0; i < steps; i++) {
      grid[i] = from + (to - from) * i / (steps - 1);
    }
    int pairs = steps * steps;
    float[] chosen = new float[pairs];
    float[] rejected = new float[pairs];
    for (int i = 0; i < steps; i++) {
      for (int j = 0; j < steps; j++) {
        chosen[i * steps + j] = (float) grid[i];
        rejected[i * steps + j] = (float) grid[j];
      }
    }
    double centre = (from + to) / 2;
    float stepsTimesDims = (float) length * actionSize;

    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray chosenMean = manager.create(chosen);
      NDArray rejectedMean = manager.create(rejected);
      chosenMean.setRequiresGradient(true);
      rejectedMean.setRequiresGradient(true);
      NDArray lengths = manager.full(chosenMean.getShape(), (float) length);
      NDArray referenceMean = manager.full(chosenMean.getShape(), (float) centre);
      NDArray referenceSum = mul(referenceMean, stepsTimesDims);
      PairBatch.Reference reference = new PairBatch.Reference(referenceSum, referenceSum, referenceMean, referenceMean);
      float[] losses;
      try (GradientTape tape = GradientTape.record()) {
        PairBatch batch = new PairBatch(mul(chosenMean, stepsTimesDims), mul(rejectedMean, stepsTimesDims), chosenMean,
            rejectedMean, lengths, lengths, reference);
        NDArray pairLosses = objective.pairLosses(batch);
        losses = pairLosses.toFloatArray();
        // Pairs are independent, so the gradient of the sum holds each pair's own gradient.
        tape.backward(pairLosses.sum());
      }
      return new LossLandscape(grid, square(losses, steps), square(chosenMean.getGradient().toFloatArray(), steps),
          square(rejectedMean.getGradient().toFloatArray(), steps), length, actionSize, centre);
    }
  }

  /** Row-major float32 results as a matrix of the shortest decimals that identify them (0.1, not 0.0999999940). */
  private static double[][] square(float[] values, int steps) {
    double[][] matrix = new double[steps][steps];
    for (int i = 0; i < steps; i++) {
      for (int j = 0; j < steps; j++) {
        matrix[i][j] = Double.parseDouble(Float.toString(values[i * steps + j]));
      }
    }
    return matrix;
  }
}
