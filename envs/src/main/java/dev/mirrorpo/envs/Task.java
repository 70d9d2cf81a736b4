package dev.mirrorpo.envs;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A MuJoCo task: which model, how it is reset, what the agent observes, how it is rewarded and when
 * it falls. Pure functions of the physics state; {@link VecEnv} does the stepping.
 */
public interface Task {
  /** The name used on the command line and in every file, e.g. "hopper". */
  String name();

  /** One line for `mirrorpo envs list`. */
  String description();

  /** Class-path resource of the MJCF model, relative to this package. */
  String modelResource();

  /** Physics steps per environment step. */
  int frameSkip();

  int observationSize();

  int actionSize();

  /** Names of the reward terms, in the order {@link #rewardTerms} writes them; the reward is their sum. */
  List<String> rewardTermNames();

  /** Whether {@link PhysicsStep#contactForces} must be filled (it costs an extra pass over the model). */
  boolean needsContactForces();

  /** Draws a start state around the model's reference configuration {@code qpos0}. */
  void sampleInitialState(double[] qpos0, SplittableRandom rng, double[] qpos, double[] qvel);

  /** Writes the observation of a state into {@code out[offset .. offset + observationSize())}. */
  void observe(double[] qpos, double[] qvel, float[] out, int offset);

  /** Whether the robot is still up; an unhealthy state ends the episode. */
  boolean isHealthy(double[] qpos, double[] qvel);

  /** Writes the signed reward terms of one environment step into {@code out[offset ..]}. */
  void rewardTerms(PhysicsStep step, double[] out, int offset);
}
