package dev.mirrorpo.runfiles;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.learning.io.FloatCodec;
import dev.mirrorpo.learning.mpo.MpoConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BestObjectiveTest {
  /**
   * Written by a search before every file went through one mapper (the MPO options' keys are camelCase) and before
   * best.json held evaluated means (it is the best single candidate).
   */
  private static final Path COMMITTED = Path.of("..", "docs", "results", "search-hopper-1024-noisy.best.json");

  @Test
  void aBestJsonOfAnEarlierBuildStillLoadsAsTheBestCandidate() throws IOException {
    assertTrue(Files.readString(COMMITTED).contains("\"learnPsi\" : true"), "the fixture has the earlier keys");
    BestObjective best = BestObjective.read(COMMITTED);
    assertEquals(MpoConfig.oneStep(true, true, false), best.mpo());
    assertEquals(1137, best.dimension());
    assertEquals(1137, FloatCodec.decode(best.zeta(), best.checksum()).length);
    assertEquals(8, best.generation());
    assertEquals("mpo", best.objective().name());
    assertFalse(best.evaluatedMean(), "no selected_by: the best single candidate");
    assertNull(best.selectedBy());
    assertNull(best.standardError());
    assertNull(best.evaluation());
    assertEquals(2698.3360873135653, best.fitness());
    assertEquals(2, best.pairIndex());
    assertEquals(-1, best.sign());
  }

  @Test
  void aWrittenBestJsonReadsBackTheSameWithSnakeCaseKeys(@TempDir Path directory) throws IOException {
    BestObjective committed = BestObjective.read(COMMITTED);
    Path file = directory.resolve(SearchRun.BEST);
    SearchRun.write(file, committed);
    String text = Files.readString(file);
    assertTrue(text.contains("\"learn_psi\" : true") && text.contains("\"two_step\" : false"), text);
    assertFalse(text.contains("learnPsi"), text);
    BestObjective read = BestObjective.read(file);
    assertEquals(committed, read);
    assertArrayEquals(FloatCodec.decode(committed.zeta(), committed.checksum()), FloatCodec.decode(read.zeta(),
        read.checksum()));
  }

  @Test
  void aChangedZetaIsRefusedByName(@TempDir Path directory) throws IOException {
    Path file = directory.resolve(SearchRun.BEST);
    String text = Files.readString(COMMITTED);
    Files.writeString(file, text.replace("\"zeta_base64_float32\" : \"xvVz", "\"zeta_base64_float32\" : \"xvVy"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BestObjective.read(file));
    assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("checksum"), e.getMessage());
  }
}
