package dev.mirrorpo.runfiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** best.json as searches wrote it before evaluated means: the best single candidate, still read as one. */
class BestObjectiveTest {
  /** The first Hopper search's best.json (docs/results.md), written before best.json held evaluated means. */
  private static final Path OLD = Path.of("..", "docs", "results", "search-hopper-1024-noisy.best.json");

  @Test
  void aBestJsonFromBeforeEvaluatedMeansIsReadAsTheBestCandidateAndRebuildsItsObjective() {
    BestObjective best = BestObjective.read(OLD);
    assertFalse(best.evaluatedMean(), "no selected_by: the best single candidate");
    assertNull(best.selectedBy());
    assertNull(best.standardError());
    assertNull(best.evaluation());
    assertEquals(2698.3360873135653, best.fitness());
    assertEquals(8, best.generation());
    assertEquals(2, best.pairIndex());
    assertEquals(-1, best.sign());
    assertEquals(best.dimension(), best.objective().zeta().length);
    assertEquals(1137, best.dimension());
  }
}
