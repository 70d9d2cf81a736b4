package dev.mirrorpo.learning.objectives;

import static dev.mirrorpo.learning.nn.ScalarOps.mul;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * R-DPO (Park et al. 2024, "Disentangling Length from Quality in Direct Preference Optimization"):
 * −log σ(βΔ − α(|τ_w| − |τ_l|)). The length difference is subtracted, as in Park et al.'s objective:
 * a chosen trajectory longer than the rejected one must win by a larger margin, so the policy cannot
 * lower the loss by favouring length itself. (SimPO's table of baselines prints it with a plus.)
 */
record LengthRegularizedDpo(double beta, double alpha) implements Objective {
  @Override
  public String name() {
    return "r-dpo";
  }

  @Override
  public boolean needsReference() {
    return true;
  }

  @Override
  public Map<String, Double> hyperParameters() {
    Map<String, Double> params = new LinkedHashMap<>();
    params.put("beta", beta);
    params.put("alpha", alpha);
    return params;
  }

  @Override
  public NDArray pairLosses(PairBatch batch) {
    NDArray lengthDifference = batch.chosenLength().sub(batch.rejectedLength());
    return LogSpace.negLogSigmoid(mul(batch.logRatioMargin(), beta).sub(mul(lengthDifference, alpha)));
  }
}
