package dev.mirrorpo.envs;

/**
 * Physics states the envs tests start from, chosen so one step has a known outcome (who touches the
 * floor, who is healthy). Built from the real models, so they follow the models if those change.
 */
final class TestStates {
  /** Generalised positions and velocities of one environment. */
  record State(double[] qpos, double[] qvel) {
    State copy() {
      return new State(qpos.clone(), qvel.clone());
    }
  }

  /** Thigh angle (rad) that folds the hopper's leg up beside its torso, inside the joint range [-150°, 0]. */
  static final double HOPPER_THIGH_FOLDED = -2.44;

  private static State standingAnt;

  private TestStates() {}

  /**
   * An ant at rest on its four feet: reset, then 40 steps (2 s) of zero actions, by which time it has
   * dropped from its start height of 0.75 and settled on the floor (torso z about 0.5).
   */
  static synchronized State standingAnt() {
    if (standingAnt == null) {
      try (VecEnv env = new VecEnv(Tasks.byName("ant"), 1)) {
        env.reset(new long[] {1});
        float[] noAction = new float[env.task().actionSize()];
        for (int t = 0; t < 40; t++) {
          env.step(noAction);
        }
        standingAnt = new State(env.qpos(0), env.qvel(0));
      }
    }
    return standingAnt.copy();
  }

  /**
   * A hopper with its torso upright at height z and its leg folded up beside the torso, so nothing
   * touches the floor for a step: z can be put anywhere (even below 0.7) without contact forces
   * pushing it back, and the one step only lets it fall a fraction of a millimetre.
   */
  static State hopperFoldedAt(double z) {
    return new State(new double[] {0, z, 0, HOPPER_THIGH_FOLDED, 0, 0}, new double[6]);
  }

  /** The hopper's reference pose (upright, leg straight, foot 4 cm above the floor), at rest. */
  static State hopperUpright(VecEnv env) {
    return new State(env.model().initialQpos(), new double[env.model().nv()]);
  }
}
