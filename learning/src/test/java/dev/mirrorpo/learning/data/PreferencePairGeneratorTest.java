package dev.mirrorpo.learning.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.envs.Task;
import dev.mirrorpo.envs.Tasks;
import dev.mirrorpo.schemas.PreferencePair;
import dev.mirrorpo.schemas.SchemaVersions;
import dev.mirrorpo.schemas.Trajectory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rows of a preference dataset, made by the plain-Java generator on real MuJoCo. */
class PreferencePairGeneratorTest {
  private static final Task HOPPER = Tasks.byName("hopper");
  private static final int LENGTH = 30;

  @TempDir static Path agents;
  private static AgentSource target;
  private static AgentSource original;

  @BeforeAll
  static void writeAgents() {
    target = TestAgentSources.write(agents, "target", HOPPER, 1);
    original = TestAgentSources.write(agents, "original", HOPPER, 2);
  }

  private static PairGenerationSpec spec(Quality quality, long pairs, double noise, int rolloutBatch, int chunk) {
    return new PairGenerationSpec("hopper", target, original, quality, pairs, LENGTH, 5, 1.0, noise, rolloutBatch,
        chunk);
  }

  private static List<PreferencePair> generateAll(PairGenerationSpec spec) {
    List<PreferencePair> rows = new ArrayList<>();
    try (PreferencePairGenerator generator = new PreferencePairGenerator(spec)) {
      for (int chunk = 0; chunk < spec.chunks(); chunk++) {
        for (PairRange batch : spec.rolloutBatches(chunk)) {
          rows.addAll(generator.generate(batch));
        }
      }
    }
    return rows;
  }

  private static float[] floats(List<Float> values) {
    float[] array = new float[values.size()];
    for (int i = 0; i < array.length; i++) {
      array[i] = values.get(i);
    }
    return array;
  }

  @Test
  void bothSidesStartFromTheSameStateAndEveryFieldIsConsistent() {
    List<PreferencePair> rows = generateAll(spec(Quality.BASE, 12, 0, 4, 8));
    assertEquals(12, rows.size());
    int obs = HOPPER.observationSize();
    for (int i = 0; i < rows.size(); i++) {
      PreferencePair row = rows.get(i);
      assertEquals(i, row.getPairIndex());
      assertEquals(SchemaVersions.PREFERENCE_PAIR, row.getSchemaVersion());
      assertEquals("hopper", row.getTask());
      assertEquals(obs, row.getObservationSize());
      assertEquals(HOPPER.actionSize(), row.getActionSize());
      assertEquals(PairType.TARGET_ORIGINAL.label(), row.getPairType());
      assertEquals(Set.of("target", "original"), Set.of(row.getChosen().getAgent(), row.getRejected().getAgent()));
      float[] chosenStart = floats(row.getChosen().getObservations().subList(0, obs));
      float[] rejectedStart = floats(row.getRejected().getObservations().subList(0, obs));
      assertArrayEquals(chosenStart, rejectedStart, "both sides reset from start seed " + row.getStartSeed());
      for (Trajectory side : List.of(row.getChosen(), row.getRejected())) {
        int t = side.getLength();
        assertTrue(t >= 1 && t <= LENGTH);
        assertEquals(t < LENGTH, side.getTerminated(), "an episode shorter than the limit ended by terminating");
        assertEquals(t * obs, side.getObservations().size());
        assertEquals(t * HOPPER.actionSize(), side.getActions().size());
        assertEquals(t, side.getRewards().size());
        double sum = 0;
        for (float r : floats(side.getRewards())) {
          sum += r;
        }
        assertEquals(side.getTrueReturn(), sum, 1e-4 * t);
      }
      double expected = 1 / (1 + Math.exp(-(row.getChosen().getTrueReturn() - row.getRejected().getTrueReturn())));
      assertEquals(expected, row.getJudgeProbability(), 1e-12);
    }
    // The two sides of a pair play different noise, and pairs start from different states.
    assertNotEquals(rows.get(0).getChosen().getActions(), rows.get(0).getRejected().getActions());
    assertNotEquals(rows.get(0).getStartSeed(), rows.get(1).getStartSeed());
  }

  @Test
  void rowsDependOnTheSpecOnlyNotOnHowPairsAreChunked() {
    List<PreferencePair> once = generateAll(spec(Quality.MIXED, 12, 0, 4, 4));
    List<PreferencePair> again = generateAll(spec(Quality.MIXED, 12, 0, 4, 12));
    assertEquals(once, again);
  }

  @Test
  void aNoisyDatasetIsTheBaseDatasetWithSomeLabelsFlipped() {
    List<PreferencePair> base = generateAll(spec(Quality.BASE, 40, 0, 8, 8));
    List<PreferencePair> noisy = generateAll(spec(Quality.NOISY, 40, 0.3, 8, 8));
    int flipped = 0;
    for (int i = 0; i < base.size(); i++) {
      PreferencePair clean = base.get(i);
      PreferencePair row = noisy.get(i);
      if (row.getFlipped()) {
        flipped++;
        assertEquals(clean.getChosen(), row.getRejected());
        assertEquals(clean.getRejected(), row.getChosen());
        assertEquals(1 - clean.getJudgeProbability(), row.getJudgeProbability(), 1e-12);
      } else {
        assertEquals(clean, row);
      }
    }
    assertTrue(flipped > 0 && flipped < base.size(), flipped + " of " + base.size() + " flipped");
  }

  @Test
  void anAgentOfAnotherRobotIsRefusedNamingBothTasks() {
    AgentSource ant = TestAgentSources.write(agents, "ant", Tasks.byName("ant"), 3);
    PairGenerationSpec spec = new PairGenerationSpec("hopper", target, ant, Quality.BASE, 4, LENGTH, 5, 1.0, 0, 4, 4);
    String message = assertThrows(IllegalArgumentException.class, () -> new PreferencePairGenerator(spec))
        .getMessage();
    assertTrue(message.startsWith("original agent " + ant.name()) && message.contains("trained on ant")
        && message.contains("cannot act in task hopper"), message);
  }

  @Test
  void theTargetMustBeTrainedOnTheDatasetsTaskWhileTheOriginalMayComeFromASibling() {
    AgentSource tlaAgent = TestAgentSources.write(agents, "tla", Tasks.byName("tla"), 4);
    AgentSource antAgent = TestAgentSources.write(agents, "ant-original", Tasks.byName("ant"), 5);
    // The paper's TLA datasets: the TLA agent is the target, the Ant agent plays TLA as the original.
    new PreferencePairGenerator(new PairGenerationSpec("tla", tlaAgent, antAgent, Quality.BASE, 2, 5, 1, 1, 0, 2, 2))
        .close();
    String message = assertThrows(IllegalArgumentException.class, () -> new PreferencePairGenerator(
        new PairGenerationSpec("tla", antAgent, tlaAgent, Quality.BASE, 2, 5, 1, 1, 0, 2, 2))).getMessage();
    assertTrue(message.contains("trained on ant") && message.contains("swapped"), message);
  }

  @Test
  void specsOutsideTheirRangesAreRefusedWithOneClearMessage() {
    String tooNoisy = assertThrows(IllegalArgumentException.class, () -> spec(Quality.NOISY, 4, 0.7, 4, 4))
        .getMessage();
    assertTrue(tooNoisy.contains("[0, 0.5]") && tooNoisy.contains("0.7"), tooNoisy);
    assertThrows(IllegalArgumentException.class, () -> spec(Quality.NOISY, 4, -0.1, 4, 4));
    String noiseOnBase = assertThrows(IllegalArgumentException.class, () -> spec(Quality.BASE, 4, 0.2, 4, 4))
        .getMessage();
    assertTrue(noiseOnBase.contains("noisy quality only"), noiseOnBase);
    String chunks = assertThrows(IllegalArgumentException.class, () -> spec(Quality.BASE, 4, 0, 4, 6)).getMessage();
    assertTrue(chunks.contains("multiple of the roll-out batch"), chunks);
    String quality = assertThrows(IllegalArgumentException.class, () -> Quality.byLabel("great")).getMessage();
    assertEquals("unknown dataset quality 'great'; valid qualities: base, noisy, mixed, poor-judge", quality);
  }
}
