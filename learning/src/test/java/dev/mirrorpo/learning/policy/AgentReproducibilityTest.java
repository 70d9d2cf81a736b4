package dev.mirrorpo.learning.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.mirrorpo.envs.EpisodeStats;
import dev.mirrorpo.envs.Rollouts;
import dev.mirrorpo.envs.Task;
import dev.mirrorpo.envs.Tasks;
import dev.mirrorpo.envs.VecEnv;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An agent read back from its file plays exactly as it did when its evaluation was recorded. */
class AgentReproducibilityTest {
  private static final int EPISODES = 20;
  private static final long SEED = 7;

  private static EpisodeStats evaluate(GaussianPolicy policy, Task task, long seed) {
    return Rollouts.evaluate(task, policy.sampler(), EPISODES, seed, VecEnv.DEFAULT_MAX_EPISODE_STEPS);
  }

  @Test
  void aLoadedAgentReproducesItsRecordedEvaluation(@TempDir Path directory) {
    Task hopper = Tasks.byName("hopper");
    Path file = directory.resolve("x" + AgentFile.SUFFIX);
    Agent.Evaluation recorded;
    Agent original = TestAgents.of(hopper, 9);
    try (GaussianPolicy policy = original.policy()) {
      EpisodeStats stats = evaluate(policy, hopper, SEED);
      recorded = new Agent.Evaluation(hopper.name(), EPISODES, SEED, stats.meanReturn(), stats.standardError(),
          stats.meanLength());
      AgentFile.write(file, original.withEvaluation(recorded));
    }

    Agent loaded = AgentFile.read(file);
    try (GaussianPolicy policy = loaded.policy()) {
      assertEquals(recorded, loaded.evaluation());
      EpisodeStats again = evaluate(policy, hopper, loaded.evaluation().seed());
      assertEquals(recorded.meanReturn(), again.meanReturn());
      assertEquals(recorded.standardError(), again.standardError());
      assertEquals(recorded.meanLength(), again.meanLength());
      // Another seed plays other episodes: the equality above is not one of a constant.
      assertNotEquals(recorded.meanReturn(), evaluate(policy, hopper, SEED + 1).meanReturn());
    }
  }
}
