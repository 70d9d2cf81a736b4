package dev.mirrorpo.learning.objectives;

import ai.djl.ndarray.NDArray;
import dev.mirrorpo.learning.objectives.TrajectoryLikelihood.LogLikelihoods;

/**
 * What every objective sees of a batch of N preference pairs: the policy's log-likelihoods of the
 * chosen (w) and rejected (l) trajectory, each a float32 [N] array ([K, N] for a population of K
 * policies, see {@link PopulationObjective}). "Sum" is s = Σ_t Σ_d log P, "mean" is a = s/(|τ|·D);
 * lengths are |τ| in steps, [N].
 *
 * @param reference the same likelihoods under the frozen π_ref, for two-step objectives; null otherwise
 */
public record PairBatch(
    NDArray chosenSum,
    NDArray rejectedSum,
    NDArray chosenMean,
    NDArray rejectedMean,
    NDArray chosenLength,
    NDArray rejectedLength,
    Reference reference) {

  /** r_w, r_l (sums) and their per-step means under π_ref; constants, outside autograd. */
  public record Reference(NDArray chosenSum, NDArray rejectedSum, NDArray chosenMean, NDArray rejectedMean) {
    public static Reference of(LogLikelihoods chosen, LogLikelihoods rejected) {
      return new Reference(chosen.sum().stopGradient(), rejected.sum().stopGradient(),
          chosen.mean().stopGradient(), rejected.mean().stopGradient());
    }
  }

  /** A batch from the likelihoods of both sides; {@code reference} may be null for one-step objectives. */
  public static PairBatch of(LogLikelihoods chosen, LogLikelihoods rejected, NDArray chosenLength,
      NDArray rejectedLength, Reference reference) {
    return new PairBatch(chosen.sum(), rejected.sum(), chosen.mean(), rejected.mean(), chosenLength,
        rejectedLength, reference);
  }

  /** NLL_w = −a_w: the per-step mean, like the token-mean cross-entropy of LLM trainers. */
  public NDArray chosenNll() {
    return chosenMean.neg();
  }

  /** Δ = (s_w − r_w) − (s_l − r_l): how much more the policy than π_ref prefers the chosen side. */
  public NDArray logRatioMargin() {
    Reference ref = requireReference();
    return chosenSum.sub(ref.chosenSum()).sub(rejectedSum.sub(ref.rejectedSum()));
  }

  /** Δ̄ = (a_w − r̄_w) − (a_l − r̄_l): Δ on the per-step, per-dimension means. */
  public NDArray meanLogRatioMargin() {
    Reference ref = requireReference();
    return chosenMean.sub(ref.chosenMean()).sub(rejectedMean.sub(ref.rejectedMean()));
  }

  private Reference requireReference() {
    if (reference == null) {
      throw new IllegalStateException("this objective compares with π_ref (two-step), but the batch carries no "
          + "reference likelihoods; train SFT first and pass its log-likelihoods as PairBatch.Reference");
    }
    return reference;
  }
}
