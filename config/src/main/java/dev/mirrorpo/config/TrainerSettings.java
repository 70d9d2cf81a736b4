package dev.mirrorpo.config;

import dev.mirrorpo.learning.training.TrainerConfig;

/**
 * The {@code trainer:} section of a preset's {@code benchmark:} and {@code search:} sections: how each policy is
 * trained offline (docs/training.md); trainer.* in the params. Every key is optional; the defaults are the
 * paper's ({@link TrainerConfig#paper()}).
 *
 * @param epochs passes over the dataset in all; two-step objectives: SFT epochs + PO epochs (default 12)
 * @param sftEpochs of those, the SFT epochs that come first for a two-step objective (default 10)
 * @param minibatchPairs pairs per gradient step (default 2)
 * @param learningRate Adam's learning rate, constant (default 1e-3)
 * @param maxGradNorm global gradient-norm clip (default 1.3)
 * @param boxHalfWidth h of the action box that makes a step's likelihood a probability, docs/objectives.md
 *     (default 0.1)
 */
public record TrainerSettings(Integer epochs, Integer sftEpochs, Integer minibatchPairs, Double learningRate,
    Double maxGradNorm, Double boxHalfWidth) {
  public TrainerSettings {
    TrainerConfig paper = TrainerConfig.paper();
    epochs = epochs == null ? paper.epochs() : epochs;
    sftEpochs = sftEpochs == null ? paper.sftEpochs() : sftEpochs;
    minibatchPairs = minibatchPairs == null ? paper.minibatchPairs() : minibatchPairs;
    learningRate = learningRate == null ? paper.learningRate() : learningRate;
    maxGradNorm = maxGradNorm == null ? paper.maxGradNorm() : maxGradNorm;
    boxHalfWidth = boxHalfWidth == null ? paper.boxHalfWidth() : boxHalfWidth;
    new TrainerConfig(epochs, sftEpochs, minibatchPairs, learningRate, maxGradNorm, boxHalfWidth);
  }

  /** The paper's trainer. */
  static TrainerSettings paper() {
    return new TrainerSettings(null, null, null, null, null, null);
  }

  /** The trainer these keys describe. */
  public TrainerConfig config() {
    return new TrainerConfig(epochs, sftEpochs, minibatchPairs, learningRate, maxGradNorm, boxHalfWidth);
  }
}
