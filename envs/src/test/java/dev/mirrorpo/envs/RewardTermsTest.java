package dev.mirrorpo.envs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each reward term and the observation layout, checked against the Gymnasium v5 formulas computed
 * here by hand from the states before and after one real MuJoCo step.
 */
class RewardTermsTest {
  private static final double HOPPER_DT = 0.008;
  private static final double ANT_DT = 0.05;
  /** Room for the one-ulp difference between timestep × frame skip and the literal dt above. */
  private static final double TOLERANCE = 1e-9;

  // ---- Hopper ----

  @Test
  void hopperTermsMatchTheHandComputation() {
    try (VecEnv env = new VecEnv(Tasks.byName("hopper"), 1)) {
      assertEquals(HOPPER_DT, env.dt(), 1e-15);
      double[] qposBefore = {0.1, 1.25, 0.05, -0.3, -0.4, 0.1};
      // Moving forward at 1.5 m/s so the forward term is clearly nonzero.
      double[] qvel = {1.5, 0.2, 0.1, 0.5, -0.5, 0.3};
      float[] action = {0.5f, -0.25f, 0.75f};
      env.setState(0, qposBefore, qvel);

      Step step = env.step(action);

      double[] qposAfter = env.qpos(0);
      assertEquals(List.of("healthy", "forward", "control"), step.termNames());
      assertTrue(qposAfter[1] > 0.7 && Math.abs(qposAfter[2]) < 0.2, "the chosen state should stay healthy");
      assertEquals(1.0, step.rewardTerm(0, "healthy"));
      double forward = (qposAfter[0] - qposBefore[0]) / HOPPER_DT;
      assertTrue(forward > 1.0, "the hopper moves forward at about 1.5 m/s, got " + forward);
      assertEquals(forward, step.rewardTerm(0, "forward"), TOLERANCE);
      double control = -1e-3 * (0.5 * 0.5 + 0.25 * 0.25 + 0.75 * 0.75);
      assertEquals(control, step.rewardTerm(0, "control"), 1e-15);
      assertEquals(1.0 + forward + control, step.rewards()[0], TOLERANCE);
    }
  }

  @Test
  void hopperObservationIsQposWithoutXThenClippedQvel() {
    try (VecEnv env = new VecEnv(Tasks.byName("hopper"), 1)) {
      double[] qpos = {0.3, 1.2, 0.05, -0.3, -0.4, 0.1};
      // Entries 3 and 4 lie beyond the ±10 velocity clip; the others are inside it.
      double[] qvel = {1.5, 0.2, 0.1, 25.0, -12.0, 0.3};

      float[] atStart = env.setState(0, qpos, qvel);

      assertEquals(11, atStart.length);
      assertArrayEquals(expectedHopperObservation(qpos, qvel), atStart);
      assertEquals(10f, atStart[5 + 3], "qvel 25 is clipped to 10");
      assertEquals(-10f, atStart[5 + 4], "qvel -12 is clipped to -10");

      float[] afterStep = env.step(new float[] {0.2f, -0.1f, 0.4f}).observations();
      assertArrayEquals(expectedHopperObservation(env.qpos(0), env.qvel(0)), afterStep);
    }
  }

  /** Gymnasium Hopper-v5: qpos[1:] (x is left out), then qvel clipped to ±10. */
  private static float[] expectedHopperObservation(double[] qpos, double[] qvel) {
    float[] obs = new float[11];
    for (int i = 1; i < 6; i++) {
      obs[i - 1] = (float) qpos[i];
    }
    for (int i = 0; i < 6; i++) {
      obs[5 + i] = (float) Math.max(-10, Math.min(10, qvel[i]));
    }
    return obs;
  }

  // ---- Ant ----

  @Test
  void antTermsMatchTheHandComputation() {
    try (VecEnv env = new VecEnv(Tasks.byName("ant"), 1)) {
      assertEquals(ANT_DT, env.dt(), 1e-15);
      TestStates.State standing = TestStates.standingAnt();
      standing.qvel()[0] = 0.5; // push the torso forward so dx/dt is clearly nonzero
      double[] qposBefore = standing.qpos();
      // Gentle actions: with gear 150 on a light body, strong ones lift the feet off the floor
      // within the step and the contact cost would be 0.
      float[] action = {0.015625f, -0.0078125f, 0.03125f, -0.0234375f, 0.00390625f, 0f, -0.015625f, 0.0234375f};
      env.setState(0, qposBefore, standing.qvel());

      Step step = env.step(action);

      double[] qposAfter = env.qpos(0);
      assertEquals(List.of("healthy", "forward", "control", "contact"), step.termNames());
      assertEquals(1.0, step.rewardTerm(0, "healthy"));
      double forward = (qposAfter[0] - qposBefore[0]) / ANT_DT;
      assertTrue(forward > 0.05, "the torso was pushed forward, got dx/dt " + forward);
      assertEquals(forward, step.rewardTerm(0, "forward"), TOLERANCE);
      double sumOfSquares = 0;
      for (float a : action) {
        sumOfSquares += (double) a * a;
      }
      assertEquals(-0.5 * sumOfSquares, step.rewardTerm(0, "control"), 1e-15);
      double contact = step.rewardTerm(0, "contact");
      assertTrue(contact < 0, "an ant standing on the floor pays a contact cost, got " + contact);
      // Each of the 6 × nbody clipped force entries is at most 1 in magnitude.
      double largestPossible = 5e-4 * 6 * env.model().nbody();
      assertTrue(contact >= -largestPossible, "contact cost " + contact + " exceeds the clipped maximum");
      assertEquals(1.0 + forward - 0.5 * sumOfSquares + contact, step.rewards()[0], TOLERANCE);
    }
  }

  @Test
  void antInTheAirPaysNoContactCost() {
    try (VecEnv env = new VecEnv(Tasks.byName("ant"), 1)) {
      // Torso at 0.95: the lowest foot is about 0.3 above the floor, and one step falls 1.2 cm.
      double[] qpos = env.model().initialQpos();
      qpos[2] = 0.95;
      env.setState(0, qpos, new double[env.model().nv()]);

      Step step = env.step(new float[8]);

      // A delta of 0 accepts -0.0 (the weight times an empty sum) as 0.
      assertEquals(0.0, step.rewardTerm(0, "contact"), 0.0);
      assertEquals(1.0, step.rewardTerm(0, "healthy"));
    }
  }

  @Test
  void antContactForcesAreClippedBeforeSquaring() {
    try (VecEnv env = new VecEnv(Tasks.byName("ant"), 1)) {
      // Dropped from 0.95, the ant lands within a few steps with contact forces of tens of newtons;
      // squared unclipped they would cost about 5, far beyond the clipped maximum below.
      double[] qpos = env.model().initialQpos();
      qpos[2] = 0.95;
      env.setState(0, qpos, new double[env.model().nv()]);
      double contact = 0;
      for (int t = 0; t < 20 && contact == 0; t++) {
        contact = env.step(new float[8]).rewardTerm(0, "contact");
      }

      double largestPossible = 5e-4 * 6 * env.model().nbody();
      assertTrue(contact < 0, "the ant should have landed within 20 steps");
      assertTrue(contact >= -largestPossible, "contact cost " + contact + " exceeds the clipped maximum");
    }
  }

  @Test
  void antObservationIsQposWithoutXyThenQvel() {
    try (VecEnv env = new VecEnv(Tasks.byName("ant"), 1)) {
      TestStates.State standing = TestStates.standingAnt();
      // Velocities beyond Hopper's clip of 10 must pass through unclipped for the Ant.
      standing.qvel()[6] = 12.0;
      standing.qvel()[9] = -15.0;

      float[] atStart = env.setState(0, standing.qpos(), standing.qvel());

      assertEquals(27, atStart.length);
      assertArrayEquals(expectedAntObservation(standing.qpos(), standing.qvel()), atStart);
      float[] afterStep = env.step(new float[] {0.3f, 0, 0, 0, 0, 0, 0, -0.3f}).observations();
      assertArrayEquals(expectedAntObservation(env.qpos(0), env.qvel(0)), afterStep);
    }
  }

  /** Gymnasium Ant-v5 without contact forces: qpos[2:] (torso x, y left out), then qvel. */
  private static float[] expectedAntObservation(double[] qpos, double[] qvel) {
    float[] obs = new float[27];
    for (int i = 2; i < 15; i++) {
      obs[i - 2] = (float) qpos[i];
    }
    for (int i = 0; i < 14; i++) {
      obs[13 + i] = (float) qvel[i];
    }
    return obs;
  }

  // ---- All tasks ----

  @ParameterizedTest
  @ValueSource(strings = {"hopper", "ant", "tla"})
  void rewardIsTheSumOfItsReportedTerms(String taskName) {
    Task task = Tasks.byName(taskName);
    int envs = 3;
    int nu = task.actionSize();
    try (VecEnv env = new VecEnv(task, envs)) {
      env.reset(new long[] {11, 12, 13});
      SplittableRandom rng = new SplittableRandom(5);
      float[] actions = new float[envs * nu];
      int checked = 0;
      for (int t = 0; t < 60; t++) {
        for (int k = 0; k < actions.length; k++) {
          actions[k] = (float) rng.nextDouble(-1.5, 1.5); // some beyond the control range
        }
        Step step = env.step(actions);
        assertEquals(task.rewardTermNames(), step.termNames());
        int terms = step.termNames().size();
        for (int i = 0; i < envs; i++) {
          double sum = 0;
          for (int k = 0; k < terms; k++) {
            sum += step.rewardTerms()[i * terms + k];
          }
          assertEquals(sum, step.rewards()[i], 1e-12, "env " + i + " step " + t);
          if (step.stepped()[i]) {
            checked++;
          } else {
            assertEquals(0.0, step.rewards()[i], "an ended environment earns nothing");
          }
        }
      }
      assertTrue(checked > 0);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"hopper", "ant"})
  void actionsBeyondTheControlRangeAreClippedBeforeUse(String taskName) {
    Task task = Tasks.byName(taskName);
    int nu = task.actionSize();
    try (VecEnv env = new VecEnv(task, 2)) {
      env.reset(new long[] {21, 21}); // the same start state twice
      float[] actions = new float[2 * nu];
      for (int j = 0; j < nu; j++) {
        float sign = j % 2 == 0 ? 1f : -1f;
        actions[j] = 3.0f * sign; // environment 0: far outside [-1, 1]
        actions[nu + j] = sign; // environment 1: the same actions at the bound
      }

      Step step = env.step(actions);

      assertEquals(-costWeight(taskName) * nu, step.rewardTerm(0, "control"), 1e-15);
      assertEquals(step.rewardTerm(1, "control"), step.rewardTerm(0, "control"));
      assertArrayEquals(env.qpos(1), env.qpos(0), "clipped actions drive the motors the same way");
      assertEquals(step.rewards()[1], step.rewards()[0]);
      assertFalse(step.unstable()[0]);
    }
  }

  private static double costWeight(String taskName) {
    return taskName.equals("hopper") ? 1e-3 : 0.5;
  }
}
