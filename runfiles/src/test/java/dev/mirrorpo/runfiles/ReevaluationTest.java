package dev.mirrorpo.runfiles;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The rows' labels of a re-evaluation name what they are, and read back as people's names. */
class ReevaluationTest {
  private static String described(Reevaluation.Role role, String label) {
    return new Reevaluation.Entry(role, new SeedReturns(label, List.of(1L, 2L), List.of(1.0, 2.0), 1.5, 0.5), null)
        .description();
  }

  @Test
  void aCandidatesLabelHoldsItsRankGenerationPairAndEitherSign() {
    assertEquals("mpo:candidate-1-g4-p3-", Reevaluation.candidateLabel(1, 3, 3, -1));
    assertEquals(Reevaluation.Role.CANDIDATE, Reevaluation.role("mpo:candidate-1-g4-p3-"));
    assertEquals("candidate 1 (generation 4, pair 3 -)", described(Reevaluation.Role.CANDIDATE,
        Reevaluation.candidateLabel(1, 3, 3, -1)));
    assertEquals("candidate 12 (generation 10, pair 0 +)", described(Reevaluation.Role.CANDIDATE,
        Reevaluation.candidateLabel(12, 9, 0, 1)));
  }

  @Test
  void theMeansAndTheBaselinesLabelsReadAsTheirNames() {
    assertEquals(Reevaluation.Role.MEAN, Reevaluation.role(Reevaluation.meanLabel(4)));
    assertEquals("best evaluated mean (after generation 4)", described(Reevaluation.Role.MEAN,
        Reevaluation.meanLabel(4)));
    assertEquals(Reevaluation.Role.BASELINE, Reevaluation.role("orpo"));
    assertEquals("orpo (the known objective)", described(Reevaluation.Role.BASELINE, "orpo"));
  }
}
