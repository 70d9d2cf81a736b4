package dev.mirrorpo.envs;

/**
 * What one environment step did to one environment, as a task's reward needs it. {@link VecEnv}
 * reuses one instance per batch, so a task must not keep a reference to it.
 */
public final class PhysicsStep {
  /** Generalised positions before and after the step. */
  public final double[] qposBefore;

  public final double[] qpos;
  public final double[] qvel;
  /** The action applied, already clipped to the actuators' control range [-1, 1]. */
  public final double[] action;
  /** MuJoCo's cfrc_ext after the step, 6 per body, or empty if the task does not need it. */
  public final double[] contactForces;
  /** Seconds of simulated time in the step (timestep × frame skip). */
  public double dt;
  /** Whether the state after the step is healthy. */
  public boolean healthy;

  public PhysicsStep(int nq, int nv, int nu, int contactForceSize) {
    qposBefore = new double[nq];
    qpos = new double[nq];
    qvel = new double[nv];
    action = new double[nu];
    contactForces = new double[contactForceSize];
  }

  /** Sum of squares of the action entries in [from, to). */
  public double actionSquaredNorm(int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += action[i] * action[i];
    }
    return sum;
  }
}
