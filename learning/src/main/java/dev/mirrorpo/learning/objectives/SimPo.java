package dev.mirrorpo.learning.objectives;

import static dev.mirrorpo.learning.nn.ScalarOps.mul;
import static dev.mirrorpo.learning.nn.ScalarOps.sub;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SimPO (Meng et al. 2024): −log σ(β(a_w − a_l) − γ), the length-normalised margin against a target
 * γ, with no π_ref and no SFT term.
 */
record SimPo(double beta, double gamma) implements Objective {
  @Override
  public String name() {
    return "simpo";
  }

  @Override
  public boolean needsReference() {
    return false;
  }

  @Override
  public Map<String, Double> hyperParameters() {
    Map<String, Double> params = new LinkedHashMap<>();
    params.put("beta", beta);
    params.put("gamma", gamma);
    return params;
  }

  @Override
  public NDArray pairLosses(PairBatch batch) {
    return LogSpace.negLogSigmoid(sub(mul(batch.chosenMean().sub(batch.rejectedMean()), beta), gamma));
  }
}
