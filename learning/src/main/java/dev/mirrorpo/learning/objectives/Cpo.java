package dev.mirrorpo.learning.objectives;

import static dev.mirrorpo.learning.nn.ScalarOps.mul;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPO (Xu et al. 2024, "Contrastive Preference Optimization"): DPO with a uniform π_ref plus an SFT
 * term, −log σ(β(s_w − s_l)) + α·NLL_w.
 */
record Cpo(double beta, double alpha) implements Objective {
  @Override
  public String name() {
    return "cpo";
  }

  @Override
  public boolean needsReference() {
    return false;
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
    NDArray preference = LogSpace.negLogSigmoid(mul(batch.chosenSum().sub(batch.rejectedSum()), beta));
    return preference.add(mul(batch.chosenNll(), alpha));
  }
}
