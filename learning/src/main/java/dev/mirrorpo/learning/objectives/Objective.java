package dev.mirrorpo.learning.objectives;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * A preference-optimization loss over a batch of pairs, to be minimised (docs/design.md §7). Create one with
 * {@link Objectives#create}; docs/objectives.md lists each formula as implemented.
 */
public interface Objective {
  /** The registry name, e.g. "dpo". */
  String name();

  /**
   * Two-step (docs/design.md §7): train SFT first, then this objective against the frozen SFT policy, whose
   * likelihoods the batch carries as {@link PairBatch#reference()}. One-step objectives ignore it.
   */
  boolean needsReference();

  /** The hyper-parameters in effect, by name. */
  Map<String, Double> hyperParameters();

  /** The loss of each pair, [N]. */
  NDArray pairLosses(PairBatch batch);

  /**
   * The objective to use in epoch {@code epoch} (0-based) of {@code epochs}: temporally aware objectives
   * (MPO's input x·n/N) return one bound to that training progress; all others return themselves.
   */
  default Objective forEpoch(int epoch, int epochs) {
    return this;
  }

  /** The mean loss over the batch, a scalar. */
  default NDArray loss(PairBatch batch) {
    return pairLosses(batch).mean();
  }
}
