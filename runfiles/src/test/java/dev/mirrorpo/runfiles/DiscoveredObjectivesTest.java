package dev.mirrorpo.runfiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.transforms.benchmark.DiscoveredObjective;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The committed discovered objectives load as benchmark rows, and a transfer is named, or said to be unknown. */
class DiscoveredObjectivesTest {
  private static final Path COMMITTED = Path.of("..", "docs", "results", "search-hopper-1024-noisy.best.json");

  @Test
  void aBestJsonWithoutItsTaskIsBenchmarkedAndSaysItCannotTell() {
    List<DiscoveredObjective> objectives = DiscoveredObjectives.load(List.of(COMMITTED));
    assertEquals("mpo:search-hopper-1024-noisy", objectives.get(0).label());
    assertEquals(null, objectives.get(0).searchTask(), "written before best.json recorded its task");
    StringWriter text = new StringWriter();
    DiscoveredObjectives.noteTransfers(objectives, Set.of("tla", "hopper"), new PrintWriter(text, true));
    assertTrue(text.toString().contains("mpo:search-hopper-1024-noisy does not record the task")
        && text.toString().contains("on hopper, tla data"), text.toString());
  }

  @Test
  void anObjectiveTrainedOnAnotherTaskIsATransfer() {
    DiscoveredObjective found = DiscoveredObjectives.load(List.of(COMMITTED)).get(0);
    DiscoveredObjective onHopper = new DiscoveredObjective(found.label(), found.file(), found.sha256(), found.mpo(),
        found.zeta(), found.zetaChecksum(), "hopper");
    StringWriter text = new StringWriter();
    DiscoveredObjectives.noteTransfers(List.of(onHopper), Set.of("hopper", "tla"), new PrintWriter(text, true));
    assertTrue(text.toString().contains("discovered on hopper and is trained here on tla data too"), text.toString());
    StringWriter none = new StringWriter();
    DiscoveredObjectives.noteTransfers(List.of(onHopper), Set.of("hopper"), new PrintWriter(none, true));
    assertEquals("", none.toString(), "the search's own task: no transfer");
  }
}
