package dev.mirrorpo.envs;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Gymnasium's Hopper-v5 with its default parameters: reward = healthy + forward velocity − control
 * cost; the episode ends once the hopper is unhealthy (too low, tilted, or a state entry beyond ±100).
 */
public final class Hopper implements Task {
  static final double HEALTHY_REWARD = 1.0;
  static final double FORWARD_REWARD_WEIGHT = 1.0;
  static final double CONTROL_COST_WEIGHT = 1e-3;
  static final double MIN_HEALTHY_Z = 0.7;
  static final double MAX_HEALTHY_ANGLE = 0.2;
  static final double HEALTHY_STATE_BOUND = 100.0;
  static final double RESET_NOISE = 5e-3;
  static final double VELOCITY_CLIP = 10.0;

  @Override
  public String name() {
    return "hopper";
  }

  @Override
  public String description() {
    return "planar one-legged hopper, Gymnasium Hopper-v5 rewards (obs 11, act 3, dt 0.008)";
  }

  @Override
  public String modelResource() {
    return "models/hopper.xml";
  }

  @Override
  public int frameSkip() {
    return 4;
  }

  @Override
  public int observationSize() {
    return 11;
  }

  @Override
  public int actionSize() {
    return 3;
  }

  @Override
  public List<String> rewardTermNames() {
    return List.of("healthy", "forward", "control");
  }

  @Override
  public boolean needsContactForces() {
    return false;
  }

  @Override
  public void sampleInitialState(double[] qpos0, SplittableRandom rng, double[] qpos, double[] qvel) {
    for (int i = 0; i < qpos.length; i++) {
      qpos[i] = qpos0[i] + rng.nextDouble(-RESET_NOISE, RESET_NOISE);
    }
    for (int i = 0; i < qvel.length; i++) {
      qvel[i] = rng.nextDouble(-RESET_NOISE, RESET_NOISE);
    }
  }

  @Override
  public void observe(double[] qpos, double[] qvel, float[] out, int offset) {
    // qpos[0] (x) is left out so the policy cannot tell where it is along the track.
    for (int i = 1; i < qpos.length; i++) {
      out[offset++] = (float) qpos[i];
    }
    for (double v : qvel) {
      out[offset++] = (float) Math.max(-VELOCITY_CLIP, Math.min(VELOCITY_CLIP, v));
    }
  }

  @Override
  public boolean isHealthy(double[] qpos, double[] qvel) {
    for (int i = 2; i < qpos.length; i++) {
      if (!(Math.abs(qpos[i]) < HEALTHY_STATE_BOUND)) {
        return false;
      }
    }
    for (double v : qvel) {
      if (!(Math.abs(v) < HEALTHY_STATE_BOUND)) {
        return false;
      }
    }
    double z = qpos[1];
    double angle = qpos[2];
    return z > MIN_HEALTHY_Z && Math.abs(angle) < MAX_HEALTHY_ANGLE;
  }

  @Override
  public void rewardTerms(PhysicsStep step, double[] out, int offset) {
    out[offset] = step.healthy ? HEALTHY_REWARD : 0.0;
    out[offset + 1] = FORWARD_REWARD_WEIGHT * (step.qpos[0] - step.qposBefore[0]) / step.dt;
    out[offset + 2] = -CONTROL_COST_WEIGHT * step.actionSquaredNorm(0, step.action.length);
  }
}
