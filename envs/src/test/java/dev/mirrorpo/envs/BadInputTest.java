package dev.mirrorpo.envs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Wrong inputs give clear Java exceptions before anything changes, broken models give MuJoCo's own
 * error text without taking the JVM down, and an exploding simulation ends the episode with finite
 * numbers instead of NaN.
 */
class BadInputTest {

  // ---- Tasks and arguments ----

  @Test
  void unknownTaskNameListsTheValidTasks() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tasks.byName("nosuch"));
    assertTrue(e.getMessage().contains("nosuch"), e.getMessage());
    for (String valid : new String[] {"hopper", "ant", "tla"}) {
      assertTrue(e.getMessage().contains(valid), "message should list " + valid + ": " + e.getMessage());
    }
  }

  @Test
  void constructorRejectsEmptyBatchesAndEpisodes() {
    Task hopper = Tasks.byName("hopper");
    assertThrows(IllegalArgumentException.class, () -> new VecEnv(hopper, 0));
    assertThrows(IllegalArgumentException.class, () -> new VecEnv(hopper, 1, 0, true));
  }

  @ParameterizedTest
  @ValueSource(ints = {5, 7, 0})
  void wrongActionLengthNamesTheExpectedLength(int length) {
    try (VecEnv env = new VecEnv(Tasks.byName("hopper"), 2)) {
      env.reset(new long[] {1, 2});
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> env.step(new float[length]));
      // 2 environments × 3 actions.
      assertTrue(e.getMessage().contains("6"), e.getMessage());
      assertTrue(e.getMessage().contains("got " + length), e.getMessage());
    }
  }

  @ParameterizedTest
  @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
  void nonFiniteActionIsRejectedBeforeAnythingIsAdvanced(float bad) {
    try (VecEnv env = new VecEnv(Tasks.byName("ant"), 2)) {
      env.reset(new long[] {1, 2});
      double[] qpos0Before = env.qpos(0);
      double[] qpos1Before = env.qpos(1);
      float[] actions = new float[16];
      actions[8 + 3] = bad; // environment 1, action 3; environment 0's actions are fine

      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.step(actions));

      assertTrue(e.getMessage().contains("environment 1"), e.getMessage());
      assertArrayEquals(qpos0Before, env.qpos(0), "environment 0 must not be advanced either");
      assertArrayEquals(qpos1Before, env.qpos(1));
      // The step counters did not move: the next good step is the first of the episode.
      Step next = env.step(new float[16]);
      assertEquals(1, next.episodeSteps()[0]);
      assertEquals(1, next.episodeSteps()[1]);
    }
  }

  @Test
  void stepBeforeResetIsAnError() {
    try (VecEnv env = new VecEnv(Tasks.byName("hopper"), 1)) {
      assertThrows(IllegalStateException.class, () -> env.step(new float[3]));
    }
  }

  @Test
  void stepAfterCloseIsAnError() {
    VecEnv env = new VecEnv(Tasks.byName("hopper"), 1);
    env.reset(new long[] {1});
    env.close();
    env.close(); // closing twice is harmless
    assertThrows(IllegalStateException.class, () -> env.step(new float[3]));
  }

  @Test
  void setStateAndResetCheckTheirArguments() {
    try (VecEnv env = new VecEnv(Tasks.byName("hopper"), 2)) {
      assertThrows(IllegalArgumentException.class, () -> env.setState(0, new double[5], new double[6]));
      assertThrows(IllegalArgumentException.class, () -> env.setState(0, new double[6], new double[7]));
      assertThrows(IndexOutOfBoundsException.class, () -> env.setState(2, new double[6], new double[6]));
      assertThrows(IllegalArgumentException.class, () -> env.reset(new int[] {0, 1}, new long[] {1}));
      assertThrows(IndexOutOfBoundsException.class, () -> env.reset(new int[] {-1}, new long[] {1}));
      assertThrows(IndexOutOfBoundsException.class, () -> env.qpos(2));
    }
  }

  // ---- Broken models ----

  static Stream<Arguments> brokenModels() {
    return Stream.of(
        Arguments.of("unknown element",
            "<mujoco><worldbody><nosuch/></worldbody></mujoco>",
            "unrecognized element"),
        Arguments.of("actuator on a missing joint",
            "<mujoco><worldbody><body><joint name='hinge' type='hinge'/><geom size='0.1'/></body></worldbody>"
                + "<actuator><motor joint='nosuch'/></actuator></mujoco>",
            "unknown transmission target 'nosuch'"),
        Arguments.of("constraint on a missing body",
            "<mujoco><worldbody/><equality><weld body1='nosuch'/></equality></mujoco>",
            "unknown element 'nosuch'"),
        Arguments.of("malformed XML",
            "<mujoco><worldbody></mujoco>",
            "XML_ERROR"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenModels")
  void brokenModelGivesMujocosErrorTextAndTheJvmGoesOn(String what, String xml, String mujocoText) {
    MujocoException e = assertThrows(MujocoException.class, () -> MujocoModel.fromXml("broken.xml", xml));
    assertTrue(e.getMessage().contains(mujocoText), "message should carry MuJoCo's own text: " + e.getMessage());
    assertTrue(e.getMessage().contains("broken.xml"), "message should name the model: " + e.getMessage());

    // The JVM is alive and MuJoCo is still usable: a valid model loads and simulates.
    try (MujocoModel valid = MujocoModel.fromResource("models/hopper.xml")) {
      assertEquals(6, valid.nq());
    }
    try (VecEnv env = new VecEnv(Tasks.byName("hopper"), 1)) {
      env.reset(new long[] {1});
      assertTrue(env.step(new float[3]).stepped()[0]);
    }
  }

  // ---- Unstable simulation ----

  @ParameterizedTest
  @ValueSource(strings = {"hopper", "ant", "tla"})
  void hugeVelocityEndsTheEpisodeAsUnstable(String taskName) {
    try (VecEnv env = new VecEnv(Tasks.byName(taskName), 2)) {
      env.reset(new long[] {1, 2});
      double[] qvel = env.qvel(0);
      qvel[qvel.length - 1] = 1e12; // beyond MuJoCo's bound of 1e10 on a sane state
      env.setState(0, env.qpos(0), qvel);
      assertUnstableEpisodeEndsCleanly(env);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"hopper", "ant", "tla"})
  void nanPositionEndsTheEpisodeAsUnstable(String taskName) {
    try (VecEnv env = new VecEnv(Tasks.byName(taskName), 2)) {
      env.reset(new long[] {1, 2});
      double[] qpos = env.qpos(0);
      qpos[qpos.length - 1] = Double.NaN;
      env.setState(0, qpos, env.qvel(0));
      assertUnstableEpisodeEndsCleanly(env);
    }
  }

  /** Environment 0 was put in a bad state, environment 1 is fine. */
  private static void assertUnstableEpisodeEndsCleanly(VecEnv env) {
    int nu = env.task().actionSize();
    int obsSize = env.task().observationSize();
    Step step = env.step(new float[2 * nu]);

    assertTrue(step.unstable()[0]);
    assertTrue(step.terminated()[0]);
    assertFalse(step.truncated()[0]);
    assertEquals(0.0, step.rewards()[0]);
    int terms = step.termNames().size();
    for (int k = 0; k < terms; k++) {
      assertEquals(0.0, step.rewardTerms()[k], "term " + step.termNames().get(k));
    }
    for (int k = 0; k < obsSize; k++) {
      assertTrue(Float.isFinite(step.observations()[k]), "observation entry " + k + " is " + step.observations()[k]);
    }
    // The other environment of the batch is untouched by its neighbour's explosion.
    assertFalse(step.unstable()[1]);
    assertTrue(Double.isFinite(step.rewards()[1]));
    assertTrue(step.rewards()[1] != 0.0);

    // The unstable environment is over until reset, and a reset brings it back.
    assertFalse(env.step(new float[2 * nu]).stepped()[0]);
    env.reset(new int[] {0}, new long[] {3});
    Step afterReset = env.step(new float[2 * nu]);
    assertTrue(afterReset.stepped()[0]);
    assertFalse(afterReset.unstable()[0]);
    assertTrue(Double.isFinite(afterReset.rewards()[0]));
  }
}
