package dev.mirrorpo.learning.ppo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.envs.EpisodeStats;
import dev.mirrorpo.envs.Rollouts;
import dev.mirrorpo.envs.SimplePolicies;
import dev.mirrorpo.envs.Task;
import dev.mirrorpo.envs.Tasks;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** PPO on real hopper physics; the runs are short, so each check is about learning, not mastery. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PpoTest {
  private static final Task HOPPER = Tasks.byName("hopper");
  /** Two iterations: enough for the learning rate to anneal and the statistics to carry over. */
  private static final PpoConfig SHORT = PpoConfig.cleanRl(4096);

  private Ppo shortRun;

  private static Ppo trained(PpoConfig config, long seed) {
    Ppo ppo = new Ppo(HOPPER, config, seed);
    ppo.train(new Ppo.Listener() {});
    return ppo;
  }

  @BeforeAll
  void trainShortRun() {
    shortRun = trained(SHORT, 3);
  }

  @AfterAll
  void close() {
    shortRun.close();
  }

  @Test
  void aShortRunBeatsTheRandomPolicyClearly() {
    int episodes = 20;
    long seed = 100;
    EpisodeStats random = Rollouts.evaluate(HOPPER, SimplePolicies.byName("random", HOPPER), episodes, seed, 1000);
    try (Ppo ppo = trained(PpoConfig.cleanRl(30_720), 1)) {
      assertEquals(15, ppo.iteration());
      EpisodeStats learned = Rollouts.evaluate(HOPPER, ppo.policy().sampler(), episodes, seed, 1000);
      // A random hopper falls at once (~16); 15 iterations of PPO learn to stay up for a while (~200).
      String summary = "random " + random.meanReturn() + " ± " + random.standardError() + ", PPO "
          + learned.meanReturn() + " ± " + learned.standardError();
      assertTrue(learned.meanReturn() - 3 * learned.standardError() > 4 * random.meanReturn(), summary);
      assertTrue(learned.meanLength() > 2 * random.meanLength(), summary);
    }
  }

  @Test
  void theSameSeedGivesBitIdenticalParameters() {
    try (Ppo again = trained(SHORT, 3); Ppo otherSeed = trained(SHORT, 4)) {
      assertEquals(SHORT.totalSteps(), again.globalSteps());
      PpoCheckpoint first = shortRun.checkpoint();
      PpoCheckpoint second = again.checkpoint();
      assertArrayEquals(first.policyParameters(), second.policyParameters());
      assertArrayEquals(first.criticParameters(), second.criticParameters());
      assertArrayEquals(first.adam().secondMoment(), second.adam().secondMoment());
      assertFalse(Arrays.equals(first.policyParameters(), otherSeed.checkpoint().policyParameters()));
    }
  }

  private static void assertSameCheckpoint(PpoCheckpoint expected, PpoCheckpoint actual) {
    assertEquals(expected.task(), actual.task());
    assertEquals(expected.config(), actual.config());
    assertEquals(expected.seed(), actual.seed());
    assertEquals(expected.iteration(), actual.iteration());
    assertEquals(expected.globalSteps(), actual.globalSteps());
    assertEquals(expected.episodesStarted(), actual.episodesStarted());
    assertEquals(expected.episodesFinished(), actual.episodesFinished());
    assertArrayEquals(expected.recentReturns(), actual.recentReturns());
    assertArrayEquals(expected.policyParameters(), actual.policyParameters());
    assertArrayEquals(expected.criticParameters(), actual.criticParameters());
    assertArrayEquals(expected.adam().firstMoment(), actual.adam().firstMoment());
    assertArrayEquals(expected.adam().secondMoment(), actual.adam().secondMoment());
    assertEquals(expected.adam().steps(), actual.adam().steps());
    assertArrayEquals(expected.observationMean(), actual.observationMean());
    assertArrayEquals(expected.observationVariance(), actual.observationVariance());
    assertEquals(expected.observationCount(), actual.observationCount());
    assertEquals(expected.returnMean(), actual.returnMean());
    assertEquals(expected.returnVariance(), actual.returnVariance());
    assertEquals(expected.returnCount(), actual.returnCount());
  }

  @Test
  void aSavedCheckpointResumesTheSameLearner(@TempDir Path directory) {
    Path file = directory.resolve("x.agent.json.checkpoint");
    shortRun.saveCheckpoint(file);
    PpoCheckpoint original = shortRun.checkpoint();
    // Two iterations × 10 epochs × 32 minibatches: the optimiser state is far from its start.
    assertEquals(640, original.adam().steps());
    assertTrue(original.episodesFinished() > 0 && original.recentReturns().length > 0);

    try (Ppo resumed = Ppo.resume(HOPPER, PpoCheckpoint.read(file))) {
      assertSameCheckpoint(original, resumed.checkpoint());
      assertArrayEquals(shortRun.policy().parameters().values(), resumed.policy().parameters().values());
      assertTrue(resumed.finished());
    }
  }

  @Test
  void aCheckpointWrittenBeforeFormatVersion1StillResumes() throws Exception {
    // Written by the build before format version 1 (config keys in camelCase, floats without their encoding)
    // after one iteration of PpoConfig.cleanRl(2048) with seed 3.
    Path file = Path.of(getClass().getResource("checkpoint-before-format-version.json").toURI());
    PpoCheckpoint old = PpoCheckpoint.read(file);
    assertEquals(PpoConfig.cleanRl(2048), old.config());
    assertEquals(1, old.iteration());
    assertEquals(2048, old.globalSteps());
    assertEquals(320, old.adam().steps());
    try (Ppo resumed = Ppo.resume(HOPPER, old)) {
      assertSameCheckpoint(old, resumed.checkpoint());
      assertTrue(resumed.finished());
    }
  }

  @Test
  void aCheckpointOfAnotherTaskIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Ppo.resume(Tasks.byName("ant"), shortRun.checkpoint()).close());
    assertTrue(e.getMessage().contains("hopper") && e.getMessage().contains("ant"), e.getMessage());
  }
}
