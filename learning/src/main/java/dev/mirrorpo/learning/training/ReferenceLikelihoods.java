package dev.mirrorpo.learning.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.mirrorpo.learning.objectives.PairBatch;

/**
 * π_ref's likelihoods of every pair of a dataset, computed once when the SFT stage of a two-step
 * objective ends: π_ref never changes after, so minibatches pick theirs from here.
 */
record ReferenceLikelihoods(float[] chosenSum, float[] rejectedSum, float[] chosenMean, float[] rejectedMean) {

  /** The likelihoods of {@code pairs}, as constants of {@code manager}. */
  PairBatch.Reference of(NDManager manager, int[] pairs) {
    return new PairBatch.Reference(pick(manager, chosenSum, pairs), pick(manager, rejectedSum, pairs),
        pick(manager, chosenMean, pairs), pick(manager, rejectedMean, pairs));
  }

  private static NDArray pick(NDManager manager, float[] values, int[] pairs) {
    float[] picked = new float[pairs.length];
    for (int k = 0; k < pairs.length; k++) {
      picked[k] = values[pairs[k]];
    }
    return manager.create(picked);
  }
}
