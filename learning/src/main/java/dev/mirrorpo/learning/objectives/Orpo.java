package dev.mirrorpo.learning.objectives;

import static dev.mirrorpo.learning.nn.ScalarOps.mul;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * ORPO (Hong et al. 2024): NLL_w − λ·log σ(log odds(x_w) − log odds(x_l)), with x = eᵃ ∈ (0, 1)
 * the per-step likelihood and log odds(x) = a − log(1 − eᵃ). log(1 − eᵃ) is computed as a stable
 * log1mexp, so the odds stay finite for a → 0 (x → 1) and for a far below zero.
 */
record Orpo(double lambda) implements Objective {
  @Override
  public String name() {
    return "orpo";
  }

  @Override
  public boolean needsReference() {
    return false;
  }

  @Override
  public Map<String, Double> hyperParameters() {
    return Map.of("lambda", lambda);
  }

  /** log(x/(1 − x)) for x = eᵃ, from a = log x. */
  static NDArray logOdds(NDArray logLikelihood) {
    return logLikelihood.sub(LogSpace.log1mexp(logLikelihood));
  }

  @Override
  public NDArray pairLosses(PairBatch batch) {
    NDArray logOddsRatio = logOdds(batch.chosenMean()).sub(logOdds(batch.rejectedMean()));
    return batch.chosenNll().add(mul(LogSpace.negLogSigmoid(logOddsRatio), lambda));
  }
}
