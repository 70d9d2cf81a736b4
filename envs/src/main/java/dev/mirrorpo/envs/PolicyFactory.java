package dev.mirrorpo.envs;

/** Makes the policy that plays a batch of episodes, knowing each episode's start-state seed. */
@FunctionalInterface
public interface PolicyFactory {
  /**
   * @param episodeSeeds the start-state seed of each episode of the batch; a stochastic policy
   *     derives each episode's action noise from it ({@link Rollouts#actionStream}), so an
   *     episode plays the same whatever batch it lands in
   */
  BatchPolicy create(long[] episodeSeeds);
}
