package dev.mirrorpo.learning.objectives;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.policy.PolicyArchitecture;
import dev.mirrorpo.learning.training.PairedTrajectories;
import java.util.Arrays;

/**
 * Real training pairs as points of a loss landscape (docs/objectives.md, "Loss landscapes"): the per-step
 * log-likelihoods a_w, a_l of a sample of a dataset's pairs under one policy, the coordinates of
 * {@link LossLandscape}'s grid. The sample is every (pairs/count)-th pair from the first, so the same dataset and
 * count give the same points.
 *
 * @param pairs the pairs' indices in the dataset
 * @param chosen a_w of each
 * @param rejected a_l of each
 * @param policy what scored them, in words (e.g. "a fresh policy (seed 1), as training starts")
 */
public record LandscapePoints(int[] pairs, float[] chosen, float[] rejected, String policy) {

  /**
   * The policy every objective starts training from on {@code data}: fresh weights from {@code seed} and the
   * normaliser fitted on the dataset (the benchmark's and the search's start, for that training seed).
   */
  public static GaussianPolicy freshPolicy(PairedTrajectories data, long seed) {
    try (GaussianPolicy init = GaussianPolicy.initialize(
        PolicyArchitecture.gaussianMlp(data.observationSize(), data.actionSize()), seed)) {
      return GaussianPolicy.of(init.architecture(), init.parameters().values(), data.observationStatistics());
    }
  }

  /** {@code count} pairs of {@code data} (all if it has fewer), scored by {@code policy}. */
  public static LandscapePoints of(GaussianPolicy policy, PairedTrajectories data, int count, String description) {
    if (count < 1) {
      throw new IllegalArgumentException("a landscape's sample needs at least 1 pair, got " + count);
    }
    int n = Math.min(count, data.pairs());
    int[] pairs = new int[n];
    PairedTrajectories.Builder sample = PairedTrajectories.builder(data.task(), data.observationSize(),
        data.actionSize());
    for (int k = 0; k < n; k++) {
      pairs[k] = (int) ((long) k * data.pairs() / n);
      sample.add(rows(data.chosen(), pairs[k], data.observationSize(), true),
          rows(data.chosen(), pairs[k], data.actionSize(), false),
          rows(data.rejected(), pairs[k], data.observationSize(), true),
          rows(data.rejected(), pairs[k], data.actionSize(), false));
    }
    PairedTrajectories sampled = sample.build();
    return new LandscapePoints(pairs, means(policy, sampled.chosen(), data.observationSize()),
        means(policy, sampled.rejected(), data.observationSize()), description);
  }

  private static float[] rows(PairedTrajectories.Side side, int pair, int width, boolean observations) {
    int from = side.offsets()[pair] * width;
    return Arrays.copyOfRange(observations ? side.observations() : side.actions(), from,
        from + side.lengths()[pair] * width);
  }

  /** a = s/(|τ|·D) of each trajectory of one side under {@code policy}. */
  private static float[] means(GaussianPolicy policy, PairedTrajectories.Side side, int observationSize) {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      return new TrajectoryLikelihood().of(policy,
          manager.create(policy.normalizer().normalize(side.observations()), new Shape(side.steps(), observationSize)),
          side.actions(), side.lengths()).logLikelihoods().mean().toFloatArray();
    }
  }
}
