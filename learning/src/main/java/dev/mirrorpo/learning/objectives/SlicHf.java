package dev.mirrorpo.learning.objectives;

import static dev.mirrorpo.learning.nn.ScalarOps.add;
import static dev.mirrorpo.learning.nn.ScalarOps.mul;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SLiC-HF (Zhao et al. 2023): the calibration hinge on sum log-likelihoods plus an SFT term,
 * max(0, δ − (s_w − s_l)) + λ·NLL_w. The hinge flattens once the chosen side leads by δ.
 */
record SlicHf(double delta, double lambda) implements Objective {
  @Override
  public String name() {
    return "slic-hf";
  }

  @Override
  public boolean needsReference() {
    return false;
  }

  @Override
  public Map<String, Double> hyperParameters() {
    Map<String, Double> params = new LinkedHashMap<>();
    params.put("delta", delta);
    params.put("lambda", lambda);
    return params;
  }

  @Override
  public NDArray pairLosses(PairBatch batch) {
    NDArray hinge = Activation.relu(add(batch.chosenSum().sub(batch.rejectedSum()).neg(), delta));
    return hinge.add(mul(batch.chosenNll(), lambda));
  }
}
