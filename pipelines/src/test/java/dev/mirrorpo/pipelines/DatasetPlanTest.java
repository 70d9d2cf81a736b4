package dev.mirrorpo.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.config.Preset;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A preset is resolved against the command line before anything runs (reading it: config's PresetTest). */
class DatasetPlanTest {
  @TempDir static Path directory;

  @BeforeAll
  static void writeAgents() throws Exception {
    TestDatasets.agent(directory, "expert", "hopper", 1, 2100.0);
    TestDatasets.agent(directory, "weak", "hopper", 2, 900.0);
    TestDatasets.agent(directory, "good", "hopper", 3, 1800.0);
    TestDatasets.agent(directory, "unevaluated", "hopper", 4, null);
    Files.createDirectories(directory.resolve("presets"));
  }

  private static Path preset(String name, String... lines) {
    return TestDatasets.preset(directory.resolve("presets"), name, "hopper", "../expert.agent.json",
        "../weak.agent.json", lines);
  }

  private static DatasetPipeline.Plan plan(Path preset, String... beamArgs) {
    return DatasetPipeline.plan(Preset.load(preset), DatasetPipeline.options(beamArgs));
  }

  private static String problem(Runnable action) {
    return assertThrows(IllegalArgumentException.class, action::run).getMessage();
  }

  @Test
  void thePoorJudgeIsCalibratedOnTheAgentsRecordedReturns() {
    Path file = preset("poor", "quality: poor-judge", "pairs: 10", "length: 20", "seed: 5", "temperature: 1",
        "poor_judge:", "  agreement: 0.85", "  original: ../good.agent.json");
    DatasetPipeline.Plan plan = plan(file);
    // The paper's medium judge: 2100 vs 1800 ranked right 85% of the time, η = 300 / ln(0.85/0.15).
    assertEquals(300 / Math.log(0.85 / 0.15), plan.spec().temperature(), 1e-9);
    assertEquals(directory.resolve("good.agent.json").toString(), plan.config().agents().get("original").file());
    assertTrue(plan.config().temperatureSource().startsWith("calibrated"), plan.config().temperatureSource());
    // Other qualities of the same preset keep the preset's original agent and temperature.
    DatasetPipeline.Plan base = plan(file, "--quality=base");
    assertEquals(1.0, base.spec().temperature());
    assertEquals(directory.resolve("weak.agent.json").toString(), base.config().agents().get("original").file());
  }

  @Test
  void aCalibrationWithoutRecordedReturnsSaysWhatToSet() {
    Path file = TestDatasets.preset(directory.resolve("presets"), "unevaluated", "hopper", "../expert.agent.json",
        "../unevaluated.agent.json", "quality: poor-judge", "pairs: 10", "length: 20", "seed: 5", "temperature: 1",
        "poor_judge:", "  agreement: 0.85");
    String message = problem(() -> plan(file));
    assertTrue(message.contains("records no evaluation on hopper") && message.contains("poor_judge.return_gap"),
        message);
    Path withGap = TestDatasets.preset(directory.resolve("presets"), "gap", "hopper", "../expert.agent.json",
        "../unevaluated.agent.json", "quality: poor-judge", "pairs: 10", "length: 20", "seed: 5", "temperature: 1",
        "poor_judge:", "  agreement: 0.75", "  return_gap: 300");
    assertEquals(300 / Math.log(3), plan(withGap).spec().temperature(), 1e-9);
  }

  @Test
  void noiseBelongsToNoisyDatasetsOnly() {
    Path file = preset("noise", "pairs: 10", "length: 20", "seed: 5", "temperature: 1");
    DatasetPipeline.Options noisy = DatasetPipeline.options();
    noisy.setQuality("noisy");
    assertTrue(problem(() -> DatasetPipeline.plan(Preset.load(file), noisy)).contains("needs ε"));
    noisy.setNoise(0.2);
    assertEquals(0.2, DatasetPipeline.plan(Preset.load(file), noisy).spec().noise());
    DatasetPipeline.Options base = DatasetPipeline.options();
    base.setNoise(0.2);
    assertTrue(problem(() -> DatasetPipeline.plan(Preset.load(file), base)).contains("noisy only"));
  }
}
