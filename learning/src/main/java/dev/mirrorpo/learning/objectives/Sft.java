package dev.mirrorpo.learning.objectives;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/** Supervised fine-tuning on the chosen side only: NLL_w = −a_w. The rejected trajectory plays no part. */
record Sft() implements Objective {
  @Override
  public String name() {
    return "sft";
  }

  @Override
  public boolean needsReference() {
    return false;
  }

  @Override
  public Map<String, Double> hyperParameters() {
    return Map.of();
  }

  @Override
  public NDArray pairLosses(PairBatch batch) {
    return batch.chosenNll();
  }
}
