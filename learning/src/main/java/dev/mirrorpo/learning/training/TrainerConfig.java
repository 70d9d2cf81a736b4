package dev.mirrorpo.learning.training;

import java.io.Serializable;

/**
 * Offline training settings; {@link #paper()} gives the MPO paper's MuJoCo defaults (docs/design.md §8).
 *
 * @param epochs passes over the dataset in all (two-step objectives: SFT epochs + PO epochs)
 * @param sftEpochs of those, the SFT epochs that come first for a two-step objective
 * @param minibatchPairs pairs per gradient step
 * @param learningRate Adam's learning rate (constant)
 * @param maxGradNorm global gradient-norm clip
 * @param boxHalfWidth h of the action box that makes a step's likelihood a probability (docs/objectives.md)
 */
public record TrainerConfig(int epochs, int sftEpochs, int minibatchPairs, double learningRate, double maxGradNorm,
    double boxHalfWidth) implements Serializable {

  public TrainerConfig {
    if (epochs < 1 || minibatchPairs < 1 || sftEpochs < 0 || sftEpochs >= epochs) {
      throw new IllegalArgumentException("trainer needs epochs ≥ 1, 0 ≤ SFT epochs < epochs and minibatch ≥ 1; got "
          + epochs + " epochs, " + sftEpochs + " SFT epochs, minibatch " + minibatchPairs);
    }
    if (!(learningRate > 0) || !(maxGradNorm > 0) || !(boxHalfWidth > 0)) {
      throw new IllegalArgumentException("learning rate, gradient clip and box half-width must be positive");
    }
  }

  /** 12 epochs (two-step: 10 SFT + 2 PO), 2 pairs per step, Adam 1e-3, clip 1.3, h = 0.1. */
  public static TrainerConfig paper() {
    return new TrainerConfig(12, 10, 2, 1e-3, 1.3, 0.1);
  }
}
