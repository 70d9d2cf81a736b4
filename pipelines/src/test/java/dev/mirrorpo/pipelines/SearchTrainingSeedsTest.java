package dev.mirrorpo.pipelines;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.config.Preset;
import dev.mirrorpo.config.SearchConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The presets' searches train with seeds of their own. */
class SearchTrainingSeedsTest {
  @Test
  void thePresetsSearchesNeverTrainWithTheSeedsTheBenchmarkReEvaluatesWith() {
    // The benchmark trains a discovered objective with seeds 1..seeds (docs/search.md): fresh ones.
    for (String preset : List.of("quick.yaml", "search-hopper-1024.yaml", "paper-hopper.yaml", "paper-tla.yaml")) {
      SearchConfig config = Preset.load(Path.of("..", "configs", preset)).search();
      for (int generation = 0; generation < config.generations(); generation++) {
        long seed = SearchPipeline.trainingSeed(config, generation);
        assertTrue(seed < 1 || seed > 1000, preset + ": generation " + generation + " trains with seed " + seed);
      }
    }
  }
}
