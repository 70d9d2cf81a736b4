package dev.mirrorpo.envs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * When episodes end: each of the Gymnasium v5 unhealthy conditions, the step limit, and what
 * happens to an environment after its episode ended.
 */
class TerminationTest {

  /** One step of zero actions from a set state, in a fresh single-environment VecEnv. */
  private static Step stepOnceFrom(VecEnv env, TestStates.State state) {
    env.setState(0, state.qpos(), state.qvel());
    return env.step(new float[env.task().actionSize()]);
  }

  // ---- Hopper: each cause from a set state ----

  @Test
  void hopperHealthyStatesDoNotTerminate() {
    try (VecEnv env = new VecEnv(Tasks.byName("hopper"), 1)) {
      TestStates.State upright = TestStates.hopperUpright(env);
      TestStates.State farAlongTheTrack = upright.copy();
      farAlongTheTrack.qpos()[0] = 1000; // x is not part of the health check
      TestStates.State slightlyTilted = upright.copy();
      slightlyTilted.qpos()[2] = 0.15;
      TestStates.State fast = upright.copy();
      fast.qvel()[0] = 90; // below the state bound of 100
      TestStates.State[] healthy = {
        upright, farAlongTheTrack, slightlyTilted, fast, TestStates.hopperFoldedAt(0.75)
      };
      for (TestStates.State state : healthy) {
        Step step = stepOnceFrom(env, state);
        String what = "from qpos " + Arrays.toString(state.qpos()) + " qvel " + Arrays.toString(state.qvel());
        assertFalse(step.terminated()[0], what);
        assertFalse(step.truncated()[0], what);
        assertEquals(1.0, step.rewardTerm(0, "healthy"), what);
      }
    }
  }

  @Test
  void hopperTerminatesWhenTooLow() {
    try (VecEnv env = new VecEnv(Tasks.byName("hopper"), 1)) {
      Step step = stepOnceFrom(env, TestStates.hopperFoldedAt(0.65));

      double[] after = env.qpos(0);
      assertTrue(after[1] <= 0.7, "torso height " + after[1]);
      assertTrue(Math.abs(after[2]) < 0.2, "height must be the only cause, angle " + after[2]);
      assertTrue(step.terminated()[0]);
      assertFalse(step.truncated()[0]);
      assertEquals(0.0, step.rewardTerm(0, "healthy"), "no healthy reward once unhealthy");
    }
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.3, -0.3})
  void hopperTerminatesWhenTilted(double angle) {
    try (VecEnv env = new VecEnv(Tasks.byName("hopper"), 1)) {
      TestStates.State tilted = TestStates.hopperUpright(env);
      tilted.qpos()[2] = angle;

      Step step = stepOnceFrom(env, tilted);

      double[] after = env.qpos(0);
      assertTrue(Math.abs(after[2]) >= 0.2, "angle " + after[2]);
      assertTrue(after[1] > 0.7, "the angle must be the only cause, height " + after[1]);
      assertTrue(step.terminated()[0]);
      assertEquals(0.0, step.rewardTerm(0, "healthy"));
    }
  }

  @ParameterizedTest
  @ValueSource(doubles = {150, -150})
  void hopperTerminatesWhenAVelocityLeavesTheStateBound(double velocity) {
    try (VecEnv env = new VecEnv(Tasks.byName("hopper"), 1)) {
      TestStates.State fast = TestStates.hopperUpright(env);
      fast.qvel()[0] = velocity; // sliding along x: no contact, nothing slows it within a step

      Step step = stepOnceFrom(env, fast);

      double[] after = env.qpos(0);
      assertTrue(Math.abs(env.qvel(0)[0]) >= 100, "x velocity " + env.qvel(0)[0]);
      assertTrue(after[1] > 0.7 && Math.abs(after[2]) < 0.2, "the velocity must be the only cause");
      assertTrue(step.terminated()[0]);
    }
  }

  @Test
  void hopperTerminatesWhenAJointAngleLeavesTheStateBound() {
    try (VecEnv env = new VecEnv(Tasks.byName("hopper"), 1)) {
      // Physically a foot angle of 150 rad also jerks the torso, so this step cannot isolate the
      // cause; hopperHealthRangesAreOpenIntervals below checks the bound alone.
      TestStates.State wound = TestStates.hopperUpright(env);
      wound.qpos()[5] = 150;

      Step step = stepOnceFrom(env, wound);

      assertTrue(Math.abs(env.qpos(0)[5]) >= 100, "foot angle " + env.qpos(0)[5]);
      assertTrue(step.terminated()[0]);
    }
  }

  @Test
  void hopperHealthRangesAreOpenIntervals() {
    Task hopper = Tasks.byName("hopper");
    double[] qpos = {0, 1.25, 0, -0.1, -0.1, 0};
    double[] qvel = new double[6];
    assertTrue(hopper.isHealthy(qpos, qvel));

    assertFalse(hopper.isHealthy(with(qpos, 1, 0.7), qvel), "z = 0.7 is unhealthy");
    assertTrue(hopper.isHealthy(with(qpos, 1, 0.7 + 1e-9), qvel));
    assertTrue(hopper.isHealthy(with(qpos, 1, 1e6), qvel), "no upper height limit");
    assertTrue(hopper.isHealthy(with(qpos, 0, -1e6), qvel), "x is not checked");
    for (double angle : new double[] {0.2, -0.2}) {
      assertFalse(hopper.isHealthy(with(qpos, 2, angle), qvel), "|angle| = 0.2 is unhealthy");
      assertTrue(hopper.isHealthy(with(qpos, 2, angle * (1 - 1e-9)), qvel));
    }
    for (int k = 3; k < 6; k++) {
      for (double bound : new double[] {100, -100}) {
        assertFalse(hopper.isHealthy(with(qpos, k, bound), qvel), "qpos[" + k + "] = " + bound);
        assertTrue(hopper.isHealthy(with(qpos, k, bound * 0.999), qvel), "qpos[" + k + "] inside the bound");
      }
      assertFalse(hopper.isHealthy(with(qpos, k, Double.NaN), qvel), "NaN qpos[" + k + "]");
    }
    for (int k = 0; k < 6; k++) {
      for (double bound : new double[] {100, -100}) {
        assertFalse(hopper.isHealthy(qpos, with(qvel, k, bound)), "qvel[" + k + "] = " + bound);
        assertTrue(hopper.isHealthy(qpos, with(qvel, k, bound * 0.999)), "qvel[" + k + "] inside the bound");
      }
      assertFalse(hopper.isHealthy(qpos, with(qvel, k, Double.NaN)), "NaN qvel[" + k + "]");
    }
  }

  // ---- Ant ----

  @Test
  void antTerminatesWhenTheTorsoLeavesTheHeightRange() {
    try (VecEnv env = new VecEnv(Tasks.byName("ant"), 1)) {
      Step standing = stepOnceFrom(env, TestStates.standingAnt());
      assertFalse(standing.terminated()[0], "a standing ant is healthy");

      TestStates.State tooHigh = TestStates.standingAnt();
      tooHigh.qpos()[2] = 1.2;
      Step high = stepOnceFrom(env, tooHigh);
      assertTrue(env.qpos(0)[2] > 1.0, "torso z " + env.qpos(0)[2]);
      assertTrue(high.terminated()[0]);
      assertEquals(0.0, high.rewardTerm(0, "healthy"));

      // The torso is a sphere of radius 0.25, so it only gets below 0.2 by being slammed into the
      // floor faster than the contact can push back.
      TestStates.State slammed = TestStates.standingAnt();
      slammed.qpos()[2] = 0.3;
      slammed.qvel()[2] = -50;
      Step low = stepOnceFrom(env, slammed);
      assertTrue(env.qpos(0)[2] < 0.2, "torso z " + env.qpos(0)[2]);
      assertFalse(low.unstable()[0]);
      assertTrue(low.terminated()[0]);
    }
  }

  @Test
  void antHealthRangeIsClosed() {
    Task ant = Tasks.byName("ant");
    TestStates.State standing = TestStates.standingAnt();
    double[] qpos = standing.qpos();
    double[] qvel = standing.qvel();
    assertTrue(ant.isHealthy(with(qpos, 2, 0.2), qvel), "z = 0.2 is healthy");
    assertTrue(ant.isHealthy(with(qpos, 2, 1.0), qvel), "z = 1.0 is healthy");
    assertFalse(ant.isHealthy(with(qpos, 2, 0.2 - 1e-9), qvel));
    assertFalse(ant.isHealthy(with(qpos, 2, 1.0 + 1e-9), qvel));
    assertFalse(ant.isHealthy(with(qpos, 7, Double.POSITIVE_INFINITY), qvel), "non-finite qpos");
    assertFalse(ant.isHealthy(qpos, with(qvel, 3, Double.NaN)), "non-finite qvel");
    assertTrue(ant.isHealthy(qpos, with(qvel, 3, 1e6)), "Ant has no velocity bound, only finiteness");
  }

  // ---- Step limit and ended environments ----

  @Test
  void episodeIsTruncatedExactlyAtTheStepLimit() {
    int limit = 5;
    try (VecEnv env = new VecEnv(Tasks.byName("ant"), 1, limit, true)) {
      env.reset(new long[] {3});
      float[] noAction = new float[8];
      for (int t = 1; t < limit; t++) {
        Step step = env.step(noAction);
        assertFalse(step.done(0), "step " + t + " of " + limit);
        assertEquals(t, step.episodeSteps()[0]);
      }

      Step last = env.step(noAction);

      assertTrue(last.truncated()[0], "the ant stands, so the limit is what ends it");
      assertFalse(last.terminated()[0]);
      assertEquals(limit, last.episodeSteps()[0]);
    }
  }

  @Test
  void endedEnvironmentIsNotSteppedUntilReset() {
    try (VecEnv env = new VecEnv(Tasks.byName("hopper"), 2)) {
      TestStates.State fallen = TestStates.hopperFoldedAt(0.65);
      TestStates.State upright = TestStates.hopperUpright(env);
      env.setState(0, fallen.qpos(), fallen.qvel());
      env.setState(1, upright.qpos(), upright.qvel());
      float[] actions = {0.5f, 0.5f, 0.5f, 0.1f, 0.1f, 0.1f};
      Step ending = env.step(actions);
      assertTrue(ending.terminated()[0]);
      assertFalse(ending.done(1));
      double[] qposAtEnd = env.qpos(0);
      double[] qvelAtEnd = env.qvel(0);
      float[] observationAtEnd = Arrays.copyOfRange(ending.observations(), 0, 11);

      for (int t = 0; t < 3; t++) {
        // Actions of an ended environment are ignored, so even NaN does no harm.
        actions[0] = Float.NaN;
        Step step = assertDoesNotThrow(() -> env.step(actions));
        assertFalse(step.stepped()[0]);
        assertEquals(0.0, step.rewards()[0]);
        assertFalse(step.terminated()[0], "the end is reported once");
        assertFalse(step.truncated()[0]);
        assertEquals(1, step.episodeSteps()[0]);
        assertArrayEquals(qposAtEnd, env.qpos(0));
        assertArrayEquals(qvelAtEnd, env.qvel(0));
        assertArrayEquals(observationAtEnd, Arrays.copyOfRange(step.observations(), 0, 11));
        assertTrue(step.stepped()[1], "the other environment goes on");
        assertEquals(t + 2, step.episodeSteps()[1]);
      }

      env.reset(new int[] {0}, new long[] {9});
      actions[0] = 0.5f;
      Step afterReset = env.step(actions);
      assertTrue(afterReset.stepped()[0]);
      assertEquals(1, afterReset.episodeSteps()[0]);
      assertEquals(1.0, afterReset.rewardTerm(0, "healthy"));
    }
  }

  @Test
  void truncatedEnvironmentIsNotSteppedUntilReset() {
    try (VecEnv env = new VecEnv(Tasks.byName("ant"), 1, 2, true)) {
      env.reset(new long[] {4});
      float[] noAction = new float[8];
      env.step(noAction);
      assertTrue(env.step(noAction).truncated()[0]);
      double[] qposAtEnd = env.qpos(0);

      Step after = env.step(noAction);

      assertFalse(after.stepped()[0]);
      assertFalse(after.done(0));
      assertEquals(0.0, after.rewards()[0]);
      assertArrayEquals(qposAtEnd, env.qpos(0));
      env.reset(new long[] {4});
      assertTrue(env.step(noAction).stepped()[0]);
    }
  }

  @Test
  void withoutTerminationAFallenHopperKeepsGoingUntilTheLimit() {
    int limit = 10;
    try (VecEnv env = new VecEnv(Tasks.byName("hopper"), 1, limit, false)) {
      TestStates.State fallen = TestStates.hopperFoldedAt(0.65);
      env.setState(0, fallen.qpos(), fallen.qvel());
      float[] actions = {0.3f, -0.3f, 0.2f};
      for (int t = 1; t <= limit; t++) {
        Step step = env.step(actions);
        assertTrue(step.stepped()[0], "step " + t);
        assertFalse(step.terminated()[0], "step " + t);
        assertEquals(t == limit, step.truncated()[0], "step " + t);
        assertTrue(env.qpos(0)[1] <= 0.7, "still fallen at step " + t);
        assertEquals(0.0, step.rewardTerm(0, "healthy"), "an unhealthy hopper earns no healthy reward");
        assertEquals(step.rewardTerm(0, "forward") + step.rewardTerm(0, "control"), step.rewards()[0], 1e-12);
      }
    }
  }

  private static double[] with(double[] values, int index, double value) {
    double[] copy = values.clone();
    copy[index] = value;
    return copy;
  }
}
