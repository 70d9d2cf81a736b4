package dev.mirrorpo.learning.objectives;

import static dev.mirrorpo.learning.nn.ScalarOps.mul;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/** DPO (Rafailov et al. 2023): −log σ(βΔ), Δ = (s_w − r_w) − (s_l − r_l). */
record Dpo(double beta) implements Objective {
  @Override
  public String name() {
    return "dpo";
  }

  @Override
  public boolean needsReference() {
    return true;
  }

  @Override
  public Map<String, Double> hyperParameters() {
    return Map.of("beta", beta);
  }

  @Override
  public NDArray pairLosses(PairBatch batch) {
    return LogSpace.negLogSigmoid(mul(batch.logRatioMargin(), beta));
  }
}
