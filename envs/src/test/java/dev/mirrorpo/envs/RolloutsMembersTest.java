package dev.mirrorpo.envs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Several policies evaluated side by side in one VecEnv score what each scores alone. */
class RolloutsMembersTest {
  private static final Task HOPPER = Tasks.byName("hopper");
  /** More than one batch of episodes, the second of another size: members must keep their batches. */
  private static final int EPISODES = Rollouts.MAX_BATCH + 3;
  private static final double[] SCALES = {0.2, 1.0, 0.6};

  /** Uniform play shrunk by {@code scale}: members that differ, each from its episodes' own noise streams. */
  private static BatchPolicy scaled(double scale, long[] episodeSeeds) {
    BatchPolicy uniform = SimplePolicies.uniform(HOPPER.actionSize(), episodeSeeds);
    return (observations, running) -> {
      float[] actions = uniform.act(observations, running);
      for (int i = 0; i < actions.length; i++) {
        actions[i] = (float) (actions[i] * scale);
      }
      return actions;
    };
  }

  @Test
  void eachMemberScoresWhatItScoresAlone() {
    EpisodeStats[] together = Rollouts.evaluate(HOPPER, episodeSeeds -> {
      int perMember = episodeSeeds.length / SCALES.length;
      BatchPolicy[] members = new BatchPolicy[SCALES.length];
      for (int m = 0; m < SCALES.length; m++) {
        long[] own = Arrays.copyOfRange(episodeSeeds, m * perMember, (m + 1) * perMember);
        members[m] = scaled(SCALES[m], own);
      }
      return (observations, running) -> {
        int obs = HOPPER.observationSize();
        int act = HOPPER.actionSize();
        float[] actions = new float[episodeSeeds.length * act];
        for (int m = 0; m < SCALES.length; m++) {
          float[] own = members[m].act(
              Arrays.copyOfRange(observations, m * perMember * obs, (m + 1) * perMember * obs),
              Arrays.copyOfRange(running, m * perMember, (m + 1) * perMember));
          System.arraycopy(own, 0, actions, m * perMember * act, own.length);
        }
        return actions;
      };
    }, SCALES.length, EPISODES, 5, 60);

    for (int m = 0; m < SCALES.length; m++) {
      double scale = SCALES[m];
      EpisodeStats alone = Rollouts.evaluate(HOPPER, episodeSeeds -> scaled(scale, episodeSeeds), EPISODES, 5, 60);
      assertEquals(alone, together[m], "member " + m);
    }
    assertNotEquals(together[0].meanReturn(), together[1].meanReturn(), "the members play differently");
  }
}
