package dev.mirrorpo.envs;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Gymnasium's Ant-v5 with its default parameters (observation without contact forces, as in brax):
 * reward = healthy + forward velocity of the torso − control cost − contact cost. The Three-Legged
 * Ant is the same robot with one extra, large cost on the two actuators of its fourth leg
 * (actions 0 and 1: hip_4 and ankle_4), so an agent must learn to walk without it.
 */
public final class Ant implements Task {
  static final double HEALTHY_REWARD = 1.0;
  static final double FORWARD_REWARD_WEIGHT = 1.0;
  static final double CONTROL_COST_WEIGHT = 0.5;
  static final double CONTACT_COST_WEIGHT = 5e-4;
  static final double CONTACT_FORCE_CLIP = 1.0;
  static final double MIN_HEALTHY_Z = 0.2;
  static final double MAX_HEALTHY_Z = 1.0;
  static final double RESET_NOISE = 0.1;
  /** Actions that drive the fourth leg (hip_4, ankle_4), the first two actuators of the model. */
  static final int FOURTH_LEG_ACTIONS = 2;
  /**
   * Weight of the fourth-leg cost of the Three-Legged Ant: twenty times Ant's control cost weight,
   * so a saturated fourth leg costs up to 20 per step. Calibrated on our agents so that the Ant
   * agent scores well under half of the TLA agent on tla, as in the paper (docs/envs.md).
   */
  public static final double THREE_LEGGED_PENALTY_WEIGHT = 10.0;

  private final String name;
  private final double fourthLegPenaltyWeight;

  private Ant(String name, double fourthLegPenaltyWeight) {
    this.name = name;
    this.fourthLegPenaltyWeight = fourthLegPenaltyWeight;
  }

  /** The standard four-legged Ant. */
  public static Ant fourLegged() {
    return new Ant("ant", 0.0);
  }

  /** The Three-Legged Ant: Ant plus the fourth-leg cost. */
  public static Ant threeLegged() {
    return new Ant("tla", THREE_LEGGED_PENALTY_WEIGHT);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String description() {
    return fourthLegPenaltyWeight == 0
        ? "quadruped, Gymnasium Ant-v5 rewards (obs 27, act 8, dt 0.05)"
        : "Three-Legged Ant: Ant with cost " + fourthLegPenaltyWeight
            + "·|a_leg4|² on its fourth leg (obs 27, act 8, dt 0.05)";
  }

  public double fourthLegPenaltyWeight() {
    return fourthLegPenaltyWeight;
  }

  @Override
  public String modelResource() {
    return "models/ant.xml";
  }

  @Override
  public int frameSkip() {
    return 5;
  }

  @Override
  public int observationSize() {
    return 27;
  }

  @Override
  public int actionSize() {
    return 8;
  }

  @Override
  public List<String> rewardTermNames() {
    List<String> names = new ArrayList<>(List.of("healthy", "forward", "control", "contact"));
    if (fourthLegPenaltyWeight != 0) {
      names.add("fourth_leg");
    }
    return List.copyOf(names);
  }

  @Override
  public boolean needsContactForces() {
    return true;
  }

  @Override
  public void sampleInitialState(double[] qpos0, SplittableRandom rng, double[] qpos, double[] qvel) {
    for (int i = 0; i < qpos.length; i++) {
      qpos[i] = qpos0[i] + rng.nextDouble(-RESET_NOISE, RESET_NOISE);
    }
    for (int i = 0; i < qvel.length; i++) {
      qvel[i] = RESET_NOISE * rng.nextGaussian();
    }
  }

  @Override
  public void observe(double[] qpos, double[] qvel, float[] out, int offset) {
    // The torso's x and y are left out so the policy cannot tell where it is on the floor.
    for (int i = 2; i < qpos.length; i++) {
      out[offset++] = (float) qpos[i];
    }
    for (double v : qvel) {
      out[offset++] = (float) v;
    }
  }

  @Override
  public boolean isHealthy(double[] qpos, double[] qvel) {
    for (double q : qpos) {
      if (!Double.isFinite(q)) {
        return false;
      }
    }
    for (double v : qvel) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    double z = qpos[2];
    return z >= MIN_HEALTHY_Z && z <= MAX_HEALTHY_Z;
  }

  @Override
  public void rewardTerms(PhysicsStep step, double[] out, int offset) {
    out[offset] = step.healthy ? HEALTHY_REWARD : 0.0;
    out[offset + 1] = FORWARD_REWARD_WEIGHT * (step.qpos[0] - step.qposBefore[0]) / step.dt;
    out[offset + 2] = -CONTROL_COST_WEIGHT * step.actionSquaredNorm(0, step.action.length);
    double contact = 0;
    for (double f : step.contactForces) {
      double clipped = Math.max(-CONTACT_FORCE_CLIP, Math.min(CONTACT_FORCE_CLIP, f));
      contact += clipped * clipped;
    }
    out[offset + 3] = -CONTACT_COST_WEIGHT * contact;
    if (fourthLegPenaltyWeight != 0) {
      out[offset + 4] = -fourthLegPenaltyWeight * step.actionSquaredNorm(0, FOURTH_LEG_ACTIONS);
    }
  }
}
