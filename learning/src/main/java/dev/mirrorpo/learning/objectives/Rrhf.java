package dev.mirrorpo.learning.objectives;

import static dev.mirrorpo.learning.nn.ScalarOps.mul;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.Map;

/**
 * RRHF (Yuan et al. 2023) for one pair: the ranking hinge on length-normalised likelihoods plus the
 * SFT term, max(0, a_l − a_w) + λ·NLL_w. The hinge is flat as soon as a_w ≥ a_l.
 */
record Rrhf(double lambda) implements Objective {
  @Override
  public String name() {
    return "rrhf";
  }

  @Override
  public boolean needsReference() {
    return false;
  }

  @Override
  public Map<String, Double> hyperParameters() {
    return Map.of("lambda", lambda);
  }

  @Override
  public NDArray pairLosses(PairBatch batch) {
    NDArray ranking = Activation.relu(batch.rejectedMean().sub(batch.chosenMean()));
    return ranking.add(mul(batch.chosenNll(), lambda));
  }
}
