package dev.mirrorpo.envs;

/** Chooses actions for a batch of environments from their observations. */
@FunctionalInterface
public interface BatchPolicy {
  /**
   * @param observations N × observationSize
   * @param running which environments are still in their episode (the others' actions are ignored)
   * @return N × actionSize actions
   */
  float[] act(float[] observations, boolean[] running);
}
