package dev.mirrorpo.learning.training;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.mirrorpo.learning.objectives.PairBatch;
import dev.mirrorpo.learning.objectives.TrajectoryLikelihood.LogLikelihoods;
import java.util.Arrays;

/**
 * The trajectories of some pairs packed for one forward pass: the chosen sides' rows first, then the
 * rejected sides', without padding (see {@link dev.mirrorpo.learning.objectives.TrajectoryLikelihood}).
 *
 * @param observations row-major [Σ lengths, obs], as stored in the data (normalised for training)
 * @param actions row-major [Σ lengths, act]
 * @param lengths |τ| of the 2n trajectories, chosen ones first
 */
record PackedPairs(float[] observations, float[] actions, int[] lengths, int[] pairs) {

  /** Pairs {@code pairs} of {@code data}. */
  static PackedPairs of(PairedTrajectories data, int[] pairs) {
    int n = pairs.length;
    int[] lengths = new int[2 * n];
    PairedTrajectories.Side[] sides = {data.chosen(), data.rejected()};
    int rows = 0;
    for (int s = 0; s < 2; s++) {
      for (int k = 0; k < n; k++) {
        lengths[s * n + k] = sides[s].lengths()[pairs[k]];
        rows += lengths[s * n + k];
      }
    }
    int obsSize = data.observationSize();
    int actSize = data.actionSize();
    float[] observations = new float[rows * obsSize];
    float[] actions = new float[rows * actSize];
    int row = 0;
    for (int s = 0; s < 2; s++) {
      for (int k = 0; k < n; k++) {
        int offset = sides[s].offsets()[pairs[k]];
        int length = sides[s].lengths()[pairs[k]];
        System.arraycopy(sides[s].observations(), offset * obsSize, observations, row * obsSize, length * obsSize);
        System.arraycopy(sides[s].actions(), offset * actSize, actions, row * actSize, length * actSize);
        row += length;
      }
    }
    return new PackedPairs(observations, actions, lengths, pairs.clone());
  }

  /** Σ lengths, the rows of the observations and actions. */
  int rows() {
    return Arrays.stream(lengths).sum();
  }

  /**
   * The objective's view of these pairs from the likelihoods of all 2n trajectories ([2n], or [K, 2n]
   * for a population): the chosen half and the rejected half, with π_ref's likelihoods if given, in arrays of
   * {@code manager}.
   */
  PairBatch batch(NDManager manager, LogLikelihoods all, ReferenceLikelihoods reference) {
    int n = pairs.length;
    int axis = all.sum().getShape().dimension() - 1;
    NDList sums = all.sum().split(new long[] {n}, axis);
    NDList means = all.mean().split(new long[] {n}, axis);
    float[] chosenLengths = new float[n];
    float[] rejectedLengths = new float[n];
    for (int k = 0; k < n; k++) {
      chosenLengths[k] = lengths[k];
      rejectedLengths[k] = lengths[n + k];
    }
    return PairBatch.of(new LogLikelihoods(sums.get(0), means.get(0)), new LogLikelihoods(sums.get(1), means.get(1)),
        manager.create(chosenLengths), manager.create(rejectedLengths),
        reference == null ? null : reference.of(manager, pairs));
  }
}
