package dev.mirrorpo.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.config.BenchmarkConfig;
import dev.mirrorpo.config.SearchConfig;
import dev.mirrorpo.config.TrainingSettings;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search section of the presets: the paper's defaults, the quick preset, and one message per mistake. */
class SearchConfigTest {
  @TempDir Path work;

  @Test
  void thePaperPresetHasThePapersEsSettings() {
    SearchConfig config = SearchConfig.load(Path.of("..", "configs", "paper-hopper.yaml"));
    assertEquals(128, config.es().pairs());
    assertEquals(0.03, config.es().initialSigma());
    assertEquals(0.999, config.es().sigmaDecay());
    assertEquals(0.02, config.es().learningRate());
    assertEquals(128, config.generations());
    assertEquals("orpo", config.baselineAlgorithm());
  }

  @Test
  void theQuickPresetIsSmall() {
    SearchConfig config = SearchConfig.load(Path.of("..", "configs", "quick.yaml"));
    assertEquals(4, config.es().pairs());
    assertTrue(config.generations() <= 5);
    assertEquals(20, config.training().episodes());
  }

  @Test
  void thePresetsSearchesNeverTrainWithTheSeedsTheBenchmarkReEvaluatesWith() {
    // The benchmark trains a discovered objective with seeds 1..seeds (docs/search.md): fresh ones.
    for (String preset : List.of("quick.yaml", "search-hopper-1024.yaml", "paper-hopper.yaml", "paper-tla.yaml")) {
      SearchConfig config = SearchConfig.load(Path.of("..", "configs", preset));
      for (int generation = 0; generation < config.generations(); generation++) {
        long seed = SearchPipeline.trainingSeed(config, generation);
        assertTrue(seed < 1 || seed > 1000, preset + ": generation " + generation + " trains with seed " + seed);
      }
    }
  }

  @Test
  void theHopper1024PresetReEvaluatesItsSearchOnEpisodesTheSearchNeverScored() {
    Path preset = Path.of("..", "configs", "search-hopper-1024.yaml");
    TrainingSettings search = SearchConfig.load(preset).training();
    BenchmarkConfig benchmark = BenchmarkConfig.load(preset);
    assertEquals(search.episodes(), benchmark.training().episodes());
    assertTrue(search.evaluationSeed() != benchmark.training().evaluationSeed());
    assertEquals(search.trainer(), benchmark.training().trainer(), "trained as the search trained its candidates");
    assertEquals(List.of("orpo", "dpo", "cpo", "sft", "cdpo"), benchmark.algorithms());
  }

  @Test
  void mistakesNameTheKey() {
    Path preset = TestDatasets.preset(work, "bad", "hopper", "a.agent.json", "b.agent.json", "pairs: 4", "length: 5",
        "seed: 1", "temperature: 1.0", "search:", "  mode: two-step", "  lambda: 0.5");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SearchConfig.load(preset));
    assertTrue(e.getMessage().contains("search.lambda is for one-step MPO"), e.getMessage());
    Path unknown = TestDatasets.preset(work, "unknown", "hopper", "a.agent.json", "b.agent.json", "pairs: 4",
        "length: 5", "seed: 1", "temperature: 1.0", "search:", "  population: 4");
    e = assertThrows(IllegalArgumentException.class, () -> SearchConfig.load(unknown));
    assertTrue(e.getMessage().contains("unknown key 'search.population'"), e.getMessage());
  }
}
