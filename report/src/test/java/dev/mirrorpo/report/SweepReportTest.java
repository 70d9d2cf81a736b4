package dev.mirrorpo.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A night's cells against the previous night's: what is flagged, and the CSV the next night reads back. */
class SweepReportTest {
  private static SweepReport.Cell cell(String objective, long seed, double mean, double standardError) {
    return new SweepReport.Cell("hopper", "base", objective, "", seed, mean, standardError);
  }

  @Test
  void aChangeIsFlaggedWhenItGoesBeyondTheTwoStandardErrorsOrTheCellDivergedOneNightOnly() {
    List<SweepReport.Cell> before = List.of(cell("dpo", 1, 100, 5), cell("dpo", 2, 100, 5), cell("orpo", 1, 100, 5),
        cell("orpo", 2, Double.NaN, Double.NaN), cell("sft", 1, 100, 5));
    List<SweepReport.Cell> now = List.of(cell("dpo", 1, 100, 5), cell("dpo", 2, 109.9, 5), cell("orpo", 1, 110.1, 5),
        cell("orpo", 2, 100, 5), cell("sft", 1, Double.NaN, Double.NaN), cell("simpo", 1, 90, 5));
    SweepReport report = SweepReport.of("2026-01-02", now, "2026-01-01", before);
    assertEquals(List.of("hopper/base/orpo//1", "hopper/base/orpo//2", "hopper/base/sft//1"),
        report.flagged().stream().map(c -> c.now().key()).toList(),
        "9.9 is within 5 + 5, 10.1 is not; a return that appears or vanishes is flagged");
    assertEquals(5, report.compared(), "simpo is new tonight");
    assertFalse(report.comparisons().get(5).flagged());
    String markdown = report.markdown("provenance", List.of("| table |\n"));
    assertTrue(markdown.contains("6 cells; 5 of them also ran on 2026-01-01, 3 changed beyond their standard errors"),
        markdown);
    assertTrue(markdown.contains("| hopper/base/orpo//1 | 100.0 ± 5.0 | 110.1 ± 5.0 | +10.1 |"), markdown);
    assertTrue(markdown.contains("| hopper/base/sft//1 | 100.0 ± 5.0 | diverged | – |"), markdown);
    assertTrue(markdown.endsWith("| table |\n"), markdown);
  }

  @Test
  void theCsvReadsBackToTheSameCellsAndARereadNightComparesEqual(@TempDir Path directory) throws IOException {
    List<SweepReport.Cell> cells = List.of(cell("dpo", 1, 123.456789012345, 4.2), cell("sft", 2, Double.NaN,
        Double.NaN));
    Path file = directory.resolve("summary.csv");
    Files.writeString(file, SweepReport.of("2026-01-01", cells, null, List.of()).csv());
    List<SweepReport.Cell> read = SweepReport.readCsv(file);
    assertEquals(cells.get(0), read.get(0), "full precision: equal results compare equal the next night");
    assertTrue(Double.isNaN(read.get(1).meanReturn()));
    SweepReport next = SweepReport.of("2026-01-02", cells, "2026-01-01", read);
    assertEquals(List.of(), next.flagged());
    assertEquals(0.0, next.comparisons().get(0).change());
  }

  @Test
  void aFileThatIsNotASummaryIsRefusedByName(@TempDir Path directory) throws IOException {
    Path file = Files.writeString(directory.resolve("summary.csv"), "a,b\n1,2\n");
    String message = assertThrows(IllegalArgumentException.class, () -> SweepReport.readCsv(file)).getMessage();
    assertTrue(message.startsWith(file + " is not a sweep summary"), message);
  }
}
