package dev.mirrorpo.envs;

import java.util.List;

/**
 * The outcome of one {@link VecEnv#step} for all N environments, as flat arrays indexed by
 * environment (and by observation entry or reward term within it).
 *
 * @param observations N × observationSize, the state after the step
 * @param rewards N rewards, each the sum of that environment's reward terms
 * @param rewardTerms N × termNames.size() signed reward terms
 * @param termNames names of the reward terms
 * @param stepped whether the environment was advanced (false once its episode ended, until reset)
 * @param terminated the episode ended in this step: unhealthy, or the simulation went unstable
 * @param truncated the episode reached the step limit in this step without terminating
 * @param unstable the simulation went unstable (MuJoCo flagged bad qpos/qvel/qacc); rewards are 0
 * @param episodeSteps steps taken in the current episode, this one included
 */
public record Step(
    float[] observations,
    double[] rewards,
    double[] rewardTerms,
    List<String> termNames,
    boolean[] stepped,
    boolean[] terminated,
    boolean[] truncated,
    boolean[] unstable,
    int[] episodeSteps) {

  /** Whether environment i's episode ended in this step. */
  public boolean done(int i) {
    return terminated[i] || truncated[i];
  }

  /** Reward term {@code term} of environment i. */
  public double rewardTerm(int i, String term) {
    int index = termNames.indexOf(term);
    if (index < 0) {
      throw new IllegalArgumentException("no reward term '" + term + "'; terms: " + termNames);
    }
    return rewardTerms[i * termNames.size() + index];
  }
}
