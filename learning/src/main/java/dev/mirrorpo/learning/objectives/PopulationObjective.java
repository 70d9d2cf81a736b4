package dev.mirrorpo.learning.objectives;

import ai.djl.ndarray.NDArray;

/**
 * K objectives of one kind trained together on a population of K policies (population-batched training,
 * docs/training.md): member k of the population learns with objective k. The trainer sums the K losses and
 * backpropagates once, so member k's loss must depend on row k of the batch alone.
 */
public interface PopulationObjective {
  /** The members' objective's registry name, e.g. "mpo". */
  String name();

  /** K, the number of members. */
  int size();

  /** Two-step (see {@link Objective#needsReference()}); all members alike. */
  boolean needsReference();

  /** Each member's objective for epoch {@code epoch} of {@code epochs} (see {@link Objective#forEpoch}). */
  PopulationObjective forEpoch(int epoch, int epochs);

  /**
   * Each member's mean loss over the batch, [K]: member k's from row k of the batch's [K, N] likelihoods.
   * π_ref's likelihoods ({@link PairBatch#reference()}) and the lengths are [N], shared by all members.
   */
  NDArray losses(PairBatch batch);
}
