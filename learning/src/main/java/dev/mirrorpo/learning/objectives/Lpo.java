package dev.mirrorpo.learning.objectives;

import static dev.mirrorpo.learning.nn.ScalarOps.mul;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * LPO (the MPO paper, arXiv 2411.06568 §4.2): SLiC-HF whose hinge never flattens,
 * −β(s_w − s_l) + λ·NLL_w. It keeps widening the gap after the chosen side already leads.
 */
record Lpo(double beta, double lambda) implements Objective {
  @Override
  public String name() {
    return "lpo";
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
    return params;
  }

  @Override
  public NDArray pairLosses(PairBatch batch) {
    NDArray linear = mul(batch.chosenSum().sub(batch.rejectedSum()), -beta);
    return linear.add(mul(batch.chosenNll(), lambda));
  }
}
