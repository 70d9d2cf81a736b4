package dev.mirrorpo.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.learning.data.Quality;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sweep files are read as strictly as presets, and their presets with them. */
class SweepConfigTest {
  @TempDir Path directory;

  private Path preset(String name, String task) throws IOException {
    return Files.writeString(directory.resolve(name + ".yaml"), "task: " + task + "\ntarget: a.agent.json\n"
        + "original: b.agent.json\npairs: 10\nlength: 20\nseed: 5\ntemperature: 2\nbenchmark:\n  seeds: 4\n"
        + "  algorithms: [dpo, orpo]\n");
  }

  private Path sweep(String... lines) throws IOException {
    return Files.writeString(directory.resolve("sweep.yaml"), String.join("\n", lines) + "\n");
  }

  private static String problem(Path file) {
    return assertThrows(IllegalArgumentException.class, () -> SweepConfig.load(file)).getMessage();
  }

  @Test
  void theShippedSweepsLoadWithTheirPresets() {
    SweepConfig.Loaded quick = SweepConfig.load(Path.of("..", "configs", "sweep-quick.yaml"));
    assertEquals(List.of("hopper"), List.copyOf(quick.presets().keySet()));
    assertEquals(2, quick.seeds("hopper"));
    assertEquals(1, quick.config().searches().size());
    SweepConfig.Loaded nightly = SweepConfig.load(Path.of("..", "configs", "nightly.yaml"));
    assertEquals(List.of("hopper", "tla"), List.copyOf(nightly.presets().keySet()));
    assertEquals(List.of(Quality.BASE, Quality.NOISY, Quality.MIXED, Quality.POOR_JUDGE),
        nightly.config().qualities());
  }

  @Test
  void seedsAndAlgorithmsDefaultToEachPresetsBenchmark() throws IOException {
    preset("h", "hopper");
    SweepConfig.Loaded loaded = SweepConfig.load(sweep("presets: [h.yaml]", "qualities: [base]"));
    assertEquals(4, loaded.seeds("hopper"));
    assertEquals(List.of("dpo", "orpo"), loaded.algorithms("hopper"));
    assertEquals(directory.resolve("h.yaml"), loaded.presets().get("hopper").file());
  }

  @Test
  void anUnknownKeyIsRefusedByNameWithTheValidOnes() throws IOException {
    preset("h", "hopper");
    String message = problem(sweep("presets: [h.yaml]", "qualities: [base]", "seed: 3"));
    assertTrue(message.contains("unknown key 'seed'; valid keys: presets, qualities, seeds, algorithms, searches"),
        message);
    String inSearch = problem(sweep("presets: [h.yaml]", "qualities: [base]",
        "searches: [{task: hopper, quality: base, generation: 2}]"));
    assertTrue(inSearch.contains("unknown key 'searches.generation'; valid keys: searches.task, searches.quality,"
        + " searches.generations"), inSearch);
  }

  @Test
  void aMatrixThatCannotRunIsRefusedNamingWhatIsWrong() throws IOException {
    preset("h", "hopper");
    preset("h2", "hopper");
    String twice = problem(sweep("presets: [h.yaml, h2.yaml]", "qualities: [base]"));
    assertTrue(twice.contains("are both for hopper"), twice);
    String task = problem(sweep("presets: [h.yaml]", "qualities: [base]", "searches: [{task: tla, quality: base}]"));
    assertTrue(task.contains("task 'tla' is none of the presets' tasks [hopper]"), task);
    String quality = problem(sweep("presets: [h.yaml]", "qualities: [base]",
        "searches: [{task: hopper, quality: noisy}]"));
    assertTrue(quality.contains("hopper-noisy is on quality noisy, which is not one of the sweep's qualities"), quality);
    String algorithm = problem(sweep("presets: [h.yaml]", "qualities: [base]", "algorithms: [dpo, nope]"));
    assertTrue(algorithm.contains("unknown algorithm 'nope' in algorithms"), algorithm);
    String missing = problem(sweep("presets: [h.yaml]"));
    assertTrue(missing.contains("missing key 'qualities'"), missing);
    String absent = problem(sweep("presets: [absent.yaml]", "qualities: [base]"));
    assertTrue(absent.contains("absent.yaml: no such file"), absent);
  }
}
