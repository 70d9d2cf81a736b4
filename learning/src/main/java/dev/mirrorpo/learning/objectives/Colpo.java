package dev.mirrorpo.learning.objectives;

import static dev.mirrorpo.learning.nn.ScalarOps.mul;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CoLPO (the MPO paper, arXiv 2411.06568 §5): LPO whose preference term counts only while the chosen
 * trajectory's per-step log-likelihood a_w is at least the threshold c,
 * λ·NLL_w − 𝟙[a_w ≥ c]·β(s_w − s_l). Below c only the SFT term acts, so the optimiser cannot widen
 * the gap by lowering both likelihoods. The indicator is a constant for autograd (no gradient
 * through the switch itself).
 */
record Colpo(double beta, double lambda, double threshold) implements Objective {
  @Override
  public String name() {
    return "colpo";
  }

  @Override
  public boolean needsReference() {
    return false;
  }

  @Override
  public Map<String, Double> hyperParameters() {
    Map<String, Double> params = new LinkedHashMap<>();
    params.put("beta", beta);
    params.put("lambda", lambda);
    params.put("threshold", threshold);
    return params;
  }

  @Override
  public NDArray pairLosses(PairBatch batch) {
    NDArray active = batch.chosenMean().gte(threshold).toType(DataType.FLOAT32, false);
    NDArray linear = mul(batch.chosenSum().sub(batch.rejectedSum()), -beta);
    return linear.mul(active).add(mul(batch.chosenNll(), lambda));
  }
}
