package dev.mirrorpo.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.learning.data.Quality;
import dev.mirrorpo.learning.mpo.MpoConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Presets are read strictly, once, into records whose params MLflow and search.json get. */
class PresetTest {
  @TempDir Path directory;

  /** Writes a preset of the given lines after its task and agents (which no test here reads). */
  private Path preset(String name, String... lines) throws IOException {
    Path presets = Files.createDirectories(directory.resolve("presets"));
    StringBuilder yaml = new StringBuilder("task: hopper\n")
        .append("target: ../expert.agent.json\noriginal: ../weak.agent.json\n");
    for (String line : lines) {
      yaml.append(line).append('\n');
    }
    return Files.writeString(presets.resolve(name + ".yaml"), yaml);
  }

  private Path valid(String name, String... lines) throws IOException {
    List<String> all = new ArrayList<>(List.of("pairs: 10", "length: 20", "seed: 5", "temperature: 2"));
    all.addAll(List.of(lines));
    return preset(name, all.toArray(String[]::new));
  }

  private static String problem(Path file) {
    return assertThrows(IllegalArgumentException.class, () -> Preset.load(file)).getMessage();
  }

  private static Preset shipped(String name) {
    return Preset.load(Path.of("..", "configs", name));
  }

  @Test
  void pathsAreRelativeToThePresetAndDefaultsApply() throws IOException {
    Preset preset = Preset.load(valid("plain", "benchmark:", "  initial_policy: ../start.agent.json",
        "  discovered: ../search/best.json"));
    DatasetConfig dataset = preset.dataset();
    assertEquals(directory.resolve("expert.agent.json"), dataset.target());
    assertEquals(directory.resolve("weak.agent.json"), dataset.original());
    assertEquals(Quality.BASE, dataset.quality());
    assertEquals(DatasetConfig.DEFAULT_ROLLOUT_BATCH, dataset.rolloutBatch());
    assertEquals(2.0, dataset.temperature());
    assertNull(dataset.poorJudge());
    assertEquals(directory.resolve("start.agent.json"), preset.benchmark().training().initialAgent());
    assertEquals(List.of(directory.resolve("search/best.json")), preset.benchmark().discovered());
    // Sections that are not there take the dataset's quality and seed, and the paper's settings.
    assertEquals(List.of(Quality.BASE), preset.benchmark().qualities());
    assertEquals(Quality.BASE, preset.search().quality());
    assertEquals(5, preset.search().es().config().seed());
    assertEquals(SearchConfig.PAPER_GENERATIONS, preset.search().generations());
    assertNull(preset.search().training().initialAgent());
  }

  @Test
  void anUnknownKeyIsNamedWithTheValidKeys() throws IOException {
    Path file = valid("typo", "pair: 3");
    String message = problem(file);
    assertTrue(message.startsWith("config " + file + ": unknown key 'pair'") && message.contains("pairs, length")
        && message.endsWith("benchmark, search"), message);
    assertTrue(problem(valid("nested", "poor_judge:", "  agreement: 0.8", "  temprature: 3"))
        .contains("unknown key 'poor_judge.temprature'; valid keys: poor_judge.temperature"));
    // The ES and MPO keys are the search section's own: a key of neither is listed with all of them.
    String search = problem(valid("search", "search:", "  population: 4"));
    assertTrue(search.contains("unknown key 'search.population'; valid keys: search.generations, search.quality,"
        + " search.pairs, search.sigma") && search.contains("search.mode"), search);
    assertTrue(problem(valid("group", "search:", "  es: {pairs: 4}")).contains("unknown key 'search.es'"));
    assertTrue(problem(valid("param", "search:", "  dimension: 5")).contains("unknown key 'search.dimension'"));
    assertTrue(problem(valid("trainer", "search:", "  trainer: {epoch: 3}"))
        .contains("unknown key 'search.trainer.epoch'; valid keys: search.trainer.epochs"));
    assertTrue(problem(valid("grid", "benchmark:", "  algorithms: [dpo]", "  grid: {dpo: {gamma: [1]}}"))
        .contains("unknown key 'benchmark.grid.dpo.gamma'; valid keys: benchmark.grid.dpo.beta"));
    assertTrue(problem(valid("file", "file: other.yaml")).contains("unknown key 'file'"));
  }

  @Test
  void missingKeysDuplicatesWrongTypesAndBrokenYamlAreNamed() throws IOException {
    assertTrue(problem(preset("missing", "pairs: 10", "length: 20", "temperature: 2")).contains("missing key 'seed'"));
    assertTrue(problem(preset("type", "pairs: many", "length: 20", "seed: 1", "temperature: 2"))
        .contains("'pairs' must be a whole number, got many"));
    assertTrue(problem(preset("fraction", "pairs: 10.5", "length: 20", "seed: 1", "temperature: 2"))
        .contains("'pairs' must be a whole number, got 10.5"));
    assertTrue(problem(valid("flag", "search:", "  learn_g: maybe"))
        .contains("'search.learn_g' must be true or false, got maybe"));
    assertTrue(problem(valid("mapping", "search: 3")).contains("'search' must be a mapping of keys to values, got 3"));
    assertTrue(problem(valid("duplicate", "seed: 6")).contains("duplicate key 'seed'"));
    assertTrue(problem(valid("nested-duplicate", "search:", "  sigma: 0.1", "  sigma: 0.2"))
        .contains("duplicate key 'search.sigma'"));
    assertTrue(problem(preset("yaml", "pairs: [10", "length: 20")).contains("not valid YAML"));
    assertTrue(problem(valid("quality", "quality: superb")).contains("unknown dataset quality 'superb'"));
    assertTrue(problem(valid("qualities", "benchmark:", "  qualities: [base, superb]"))
        .contains("benchmark.qualities: unknown dataset quality 'superb'"));
    assertTrue(problem(directory.resolve("absent.yaml")).contains("no such file"));
    Path agents = Files.writeString(directory.resolve("agents.yaml"),
        "task: hopper\ntarget: [a, b]\noriginal: c\npairs: 1\nlength: 2\nseed: 3\ntemperature: 1\n");
    assertTrue(problem(agents).contains("'target' must be a single value, got [\"a\",\"b\"]"));
    Path list = Files.writeString(directory.resolve("list.yaml"), "- task\n");
    assertTrue(problem(list).endsWith(": the file must be a mapping of keys to values"));
  }

  @Test
  void valuesOutOfRangeAreRefusedByTheRecords() throws IOException {
    assertTrue(problem(valid("two-step", "search:", "  mode: two-step", "  lambda: 0.5"))
        .contains("search.lambda is for one-step MPO"));
    assertTrue(problem(valid("generations", "search:", "  generations: 0"))
        .contains("search.generations must be at least 1, got 0"));
    assertTrue(problem(valid("evaluate_seeds", "search:", "  evaluate_seeds: 1"))
        .contains("search.evaluate_seeds must be at least 2, got 1"));
    assertTrue(problem(valid("sigma", "search:", "  sigma: -1")).contains("search: initial sigma must be positive"));
    assertTrue(problem(valid("seeds", "benchmark:", "  seeds: 0")).contains("benchmark.seeds must be at least 1"));
    assertTrue(problem(valid("algorithm", "benchmark:", "  algorithms: [dpo, best]"))
        .contains("unknown algorithm 'best' in benchmark.algorithms"));
    assertTrue(problem(valid("judge", "poor_judge: {agreement: 0.8, temperature: 3}"))
        .contains("give either poor_judge.temperature or poor_judge.agreement"));
    assertTrue(problem(valid("episodes", "benchmark:", "  evaluation: {episodes: 1}"))
        .contains("an evaluation needs at least 2 episodes"));
  }

  @Test
  void thePaperPresetHasThePapersEsSettings() {
    SearchConfig search = shipped("paper-hopper.yaml").search();
    assertEquals(128, search.es().config().pairs());
    assertEquals(0.03, search.es().config().initialSigma());
    assertEquals(0.999, search.es().config().sigmaDecay());
    assertEquals(0.02, search.es().config().learningRate());
    assertEquals(128, search.generations());
    assertEquals("orpo", search.baselineAlgorithm());
  }

  @Test
  void theQuickPresetIsSmall() {
    Preset quick = shipped("quick.yaml");
    assertEquals(4, quick.search().es().config().pairs());
    assertTrue(quick.search().generations() <= 5);
    assertEquals(20, quick.search().evaluation().episodes());
    assertEquals(Map.of("sft", List.of(Map.of()), "dpo", List.of(Map.of("beta", 0.1), Map.of("beta", 1.0))),
        Map.of("sft", quick.benchmark().points().get("sft"), "dpo", quick.benchmark().points().get("dpo")));
  }

  @Test
  void theHopper1024PresetReEvaluatesItsSearchOnEpisodesTheSearchNeverScored() {
    Preset preset = shipped("search-hopper-1024.yaml");
    TrainingSettings search = preset.search().training();
    TrainingSettings benchmark = preset.benchmark().training();
    assertEquals(search.evaluation().episodes(), benchmark.evaluation().episodes());
    assertNotEquals(search.evaluation().seed(), benchmark.evaluation().seed());
    assertEquals(search.trainer(), benchmark.trainer(), "trained as the search trained its candidates");
    assertEquals(List.of("orpo", "dpo", "cpo", "sft", "cdpo"), preset.benchmark().algorithms());
  }

  /** search.json holds these; a search resumes only if they match, so their names and values may not drift. */
  @Test
  void theQuickSearchsParamsAreItsSettingsByTheirKeys() {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("generations", "4");
    expected.put("es.pairs", "4");
    expected.put("es.sigma", "0.03");
    expected.put("es.sigma_decay", "0.999");
    expected.put("es.sigma_floor", "0.0");
    expected.put("es.learning_rate", "0.02");
    expected.put("es.shaping", "centred_ranks");
    expected.put("es.weight_decay", "0.0");
    expected.put("es.seed", "1");
    expected.put(SearchConfig.CANDIDATES_PER_BATCH, "4");
    expected.put("mpo.mode", "one-step");
    expected.put("mpo.learn_psi", "true");
    expected.put("mpo.learn_g", "true");
    expected.put("mpo.temporal", "false");
    expected.put("mpo.lambda", "0.5");
    expected.put("mpo.dimension", "1137");
    Map<String, String> training = new LinkedHashMap<>();
    training.put("trainer.epochs", "12");
    training.put("trainer.sft_epochs", "10");
    training.put("trainer.minibatch_pairs", "2");
    training.put("trainer.learning_rate", "0.001");
    training.put("trainer.max_grad_norm", "1.3");
    training.put("trainer.box_half_width", "0.1");
    training.put("initial_policy", "scratch");
    training.put("evaluation.episodes", "20");
    training.put("evaluation.seed", "7");
    training.put("evaluation.length", "1000");
    expected.putAll(training);
    expected.put("evaluate_every", "2");
    expected.put("evaluate_seeds", "2");
    expected.put("reevaluate_top", "2");
    expected.put("reevaluate_seeds", "2");
    Preset quick = shipped("quick.yaml");
    assertEquals(List.copyOf(expected.entrySet()), List.copyOf(quick.search().params().entrySet()));
    assertEquals(List.copyOf(training.entrySet()), List.copyOf(quick.benchmark().training().params().entrySet()));
  }

  @Test
  void aDiscoveredObjectivesParamsNameItsMpoSettingsAsTheSearchDoes() {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("mpo.mode", "two-step");
    expected.put("mpo.learn_psi", "false");
    expected.put("mpo.learn_g", "true");
    expected.put("mpo.temporal", "true");
    expected.put("mpo.beta", "0.25");
    expected.put("mpo.dimension", "1010");
    assertEquals(List.copyOf(expected.entrySet()),
        List.copyOf(SearchConfig.mpoParams(MpoConfig.twoStep(true, true).withBeta(0.25)).entrySet()));
  }
}
