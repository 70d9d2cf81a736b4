package dev.mirrorpo.envs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Three-Legged Ant is the Ant plus one cost on the fourth leg: same physics, same observations,
 * same terms, and one extra term that depends only on actions 0 and 1.
 */
class ThreeLeggedAntTest {
  private static final String[] ANT_TERMS = {"healthy", "forward", "control", "contact"};

  @Test
  void termsEqualAntsPlusTheFourthLegCost() {
    try (VecEnv ant = new VecEnv(Tasks.byName("ant"), 1);
        VecEnv tla = new VecEnv(Tasks.byName("tla"), 1)) {
      TestStates.State standing = TestStates.standingAnt();
      ant.setState(0, standing.qpos(), standing.qvel());
      tla.setState(0, standing.qpos(), standing.qvel());
      List<String> expectedNames = new ArrayList<>(List.of(ANT_TERMS));
      expectedNames.add("fourth_leg");
      SplittableRandom rng = new SplittableRandom(8);
      for (int t = 0; t < 20; t++) {
        float[] action = new float[8];
        for (int j = 0; j < 8; j++) {
          action[j] = (float) rng.nextDouble(-1.5, 1.5); // some beyond the control range
        }

        Step antStep = ant.step(action);
        Step tlaStep = tla.step(action);

        String at = "step " + t;
        assertTrue(tlaStep.stepped()[0] && antStep.stepped()[0], at + ": both ants should still be walking");
        assertEquals(expectedNames, tlaStep.termNames());
        for (String term : ANT_TERMS) {
          // Same physics, same arithmetic: equal to the last bit, not just approximately.
          assertEquals(antStep.rewardTerm(0, term), tlaStep.rewardTerm(0, term), 0.0, at + " term " + term);
        }
        double hip4 = clip(action[0]);
        double ankle4 = clip(action[1]);
        double fourthLeg = -Ant.THREE_LEGGED_PENALTY_WEIGHT * (hip4 * hip4 + ankle4 * ankle4);
        assertEquals(fourthLeg, tlaStep.rewardTerm(0, "fourth_leg"), 1e-15, at);
        assertEquals(antStep.rewards()[0] + fourthLeg, tlaStep.rewards()[0], 1e-12, at);
        assertArrayEquals(antStep.observations(), tlaStep.observations(), at);
        assertEquals(antStep.terminated()[0], tlaStep.terminated()[0], at);
      }
    }
  }

  @Test
  void actionsOnlyOnLegsOneToThreeCostNothingExtra() {
    try (VecEnv ant = new VecEnv(Tasks.byName("ant"), 1);
        VecEnv tla = new VecEnv(Tasks.byName("tla"), 1)) {
      TestStates.State standing = TestStates.standingAnt();
      ant.setState(0, standing.qpos(), standing.qvel());
      tla.setState(0, standing.qpos(), standing.qvel());
      float[] legsOneToThree = {0, 0, 1f, -1f, 0.5f, -0.5f, 0.8f, -0.8f};

      Step antStep = ant.step(legsOneToThree);
      Step tlaStep = tla.step(legsOneToThree);

      // A delta of 0 accepts -0.0 (the weight times zero) as 0.
      assertEquals(0.0, tlaStep.rewardTerm(0, "fourth_leg"), 0.0);
      assertEquals(antStep.rewards()[0], tlaStep.rewards()[0]);
      assertArrayEquals(antStep.observations(), tlaStep.observations());
    }
  }

  @Test
  void penalisedActionsDriveTheFourthLeg() {
    // qpos of the ant: free joint (7), then hip_1, ankle_1, ..., hip_4 (13), ankle_4 (14) in body
    // order. Actions 0 and 1 must move hip_4 and ankle_4 most, or the penalty is on the wrong leg.
    int[] expectedJoint = {13, 14};
    for (int action = 0; action < 2; action++) {
      try (VecEnv env = new VecEnv(Tasks.byName("tla"), 2)) {
        TestStates.State standing = TestStates.standingAnt();
        env.setState(0, standing.qpos(), standing.qvel());
        env.setState(1, standing.qpos(), standing.qvel());
        float[] actions = new float[16];
        actions[8 + action] = 1f; // environment 1 drives one actuator, environment 0 rests

        env.step(actions);

        double[] resting = env.qpos(0);
        double[] driven = env.qpos(1);
        int mostMoved = -1;
        double largest = 0;
        for (int joint = 7; joint < 15; joint++) {
          double moved = Math.abs(driven[joint] - resting[joint]);
          if (moved > largest) {
            largest = moved;
            mostMoved = joint;
          }
        }
        assertEquals(expectedJoint[action], mostMoved, "action " + action + " moved qpos[" + mostMoved + "] most");
        assertTrue(largest > 0.01, "the driven joint moved only " + largest + " rad");
      }
    }
  }

  @Test
  void penaltyWeightIsTheDocumentedConstant() {
    Ant tla = (Ant) Tasks.byName("tla");
    assertEquals(Ant.THREE_LEGGED_PENALTY_WEIGHT, tla.fourthLegPenaltyWeight());
    assertTrue(Ant.THREE_LEGGED_PENALTY_WEIGHT > 0);
    assertEquals(0.0, ((Ant) Tasks.byName("ant")).fourthLegPenaltyWeight());
  }

  private static double clip(float action) {
    return Math.max(-1.0, Math.min(1.0, action));
  }
}
