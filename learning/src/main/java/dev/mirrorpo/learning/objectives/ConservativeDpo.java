package dev.mirrorpo.learning.objectives;

import static dev.mirrorpo.learning.nn.ScalarOps.mul;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * cDPO (Mitchell 2023, "A note on DPO with noisy preferences"): DPO against labels that are wrong
 * with probability ε, −(1 − ε)·log σ(βΔ) − ε·log σ(−βΔ).
 */
record ConservativeDpo(double beta, double epsilon) implements Objective {
  ConservativeDpo {
    if (!(epsilon >= 0 && epsilon <= 1)) {
      throw new IllegalArgumentException("cdpo: epsilon is a label-flip probability in [0, 1], got " + epsilon);
    }
  }

  @Override
  public String name() {
    return "cdpo";
  }

  @Override
  public boolean needsReference() {
    return true;
  }

  @Override
  public Map<String, Double> hyperParameters() {
    Map<String, Double> params = new LinkedHashMap<>();
    params.put("beta", beta);
    params.put("epsilon", epsilon);
    return params;
  }

  @Override
  public NDArray pairLosses(PairBatch batch) {
    NDArray z = mul(batch.logRatioMargin(), beta);
    return mul(LogSpace.negLogSigmoid(z), 1 - epsilon).add(mul(LogSpace.negLogSigmoid(z.neg()), epsilon));
  }
}
