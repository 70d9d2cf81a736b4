package dev.mirrorpo.learning.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.envs.Task;
import dev.mirrorpo.envs.Tasks;
import dev.mirrorpo.schemas.PreferencePair;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The qualities do what they promise, measured on 400 short pairs: each statistic lies within
 * three standard errors of its target.
 */
class DatasetQualitiesTest {
  private static final Task HOPPER = Tasks.byName("hopper");
  private static final int PAIRS = 400;
  private static final int LENGTH = 20;

  @TempDir static Path agents;
  private static AgentSource target;
  private static AgentSource original;

  @BeforeAll
  static void writeAgents() {
    target = TestAgentSources.write(agents, "target", HOPPER, 11);
    original = TestAgentSources.write(agents, "original", HOPPER, 12);
  }

  private static DatasetStatistics generate(Quality quality, double temperature, double noise) {
    PairGenerationSpec spec = new PairGenerationSpec("hopper", target, original, quality, PAIRS, LENGTH, 3,
        temperature, noise, 50, 200);
    DatasetStatistics statistics = new DatasetStatistics();
    try (PreferencePairGenerator generator = new PreferencePairGenerator(spec)) {
      for (int chunk = 0; chunk < spec.chunks(); chunk++) {
        for (PairRange batch : spec.rolloutBatches(chunk)) {
          for (PreferencePair row : generator.generate(batch)) {
            statistics.add(row);
          }
        }
      }
    }
    assertNull(statistics.completenessProblem(PAIRS));
    return statistics;
  }

  private static void assertWithinThreeStandardErrors(double target, double observed, String what) {
    double standardError = Math.sqrt(target * (1 - target) / PAIRS);
    assertTrue(Math.abs(observed - target) <= 3 * standardError,
        what + " " + observed + " is more than 3 standard errors (" + standardError + ") from " + target);
  }

  @Test
  void noisyLabelsAreFlippedAtRateEpsilon() {
    for (double epsilon : new double[] {0.1, 0.3}) {
      DatasetStatistics statistics = generate(Quality.NOISY, 1.0, epsilon);
      assertWithinThreeStandardErrors(epsilon, statistics.flipRate(), "flip rate at ε = " + epsilon);
    }
    assertEquals(0, generate(Quality.BASE, 1.0, 0).flipped());
  }

  @Test
  void mixedPairsAreAQuarterTargetTargetHalfMixedAQuarterOriginalOriginal() {
    DatasetStatistics statistics = generate(Quality.MIXED, 1.0, 0);
    Map<String, Long> types = statistics.pairTypeCounts();
    assertEquals(PAIRS, types.values().stream().mapToLong(Long::longValue).sum());
    assertWithinThreeStandardErrors(0.25, types.get("target-target") / (double) PAIRS, "target-target share");
    assertWithinThreeStandardErrors(0.5, types.get("target-original") / (double) PAIRS, "target-original share");
    assertWithinThreeStandardErrors(0.25, types.get("original-original") / (double) PAIRS, "original-original share");
    // Base datasets pit the two agents against each other in every pair.
    assertEquals(PAIRS, generate(Quality.BASE, 1.0, 0).pairTypeCounts().get("target-original"));
  }

  @Test
  void aHotterJudgeAgreesWithTheTrueReturnsLessOften() {
    // Same seed, so the same trajectories and judge draws: only the temperature differs.
    double sharp = generate(Quality.POOR_JUDGE, 0.01, 0).agreementWithReturns();
    double medium = generate(Quality.POOR_JUDGE, 3, 0).agreementWithReturns();
    double hot = generate(Quality.POOR_JUDGE, 300, 0).agreementWithReturns();
    assertTrue(sharp > 0.98, "a near-zero temperature ranks by return: " + sharp);
    assertTrue(sharp > medium && medium > hot, sharp + " > " + medium + " > " + hot);
    assertWithinThreeStandardErrors(0.5, hot, "agreement of a judge far hotter than the return gaps");
  }
}
