package dev.mirrorpo.learning.objectives;

import static dev.mirrorpo.learning.nn.ScalarOps.sub;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * IPO (Azar et al. 2024): (Δ̄ − 1/(2τ))² on the per-step, per-dimension margin Δ̄. The sum margin Δ
 * of 1000-step trajectories is in the thousands, where a target of 1/(2τ) = 5 means nothing; the
 * per-step mean is what LLM trainers regress (their IPO averages log-probabilities over tokens).
 */
record Ipo(double tau) implements Objective {
  Ipo {
    if (!(tau > 0)) {
      throw new IllegalArgumentException("ipo: tau must be positive, got " + tau);
    }
  }

  @Override
  public String name() {
    return "ipo";
  }

  @Override
  public boolean needsReference() {
    return true;
  }

  @Override
  public Map<String, Double> hyperParameters() {
    return Map.of("tau", tau);
  }

  @Override
  public NDArray pairLosses(PairBatch batch) {
    return sub(batch.meanLogRatioMargin(), 1 / (2 * tau)).square();
  }
}
