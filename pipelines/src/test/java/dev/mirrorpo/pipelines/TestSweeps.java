package dev.mirrorpo.pipelines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A tiny sweep on untrained agents, for the sweep's tests here and the scheduled command's in cli/. */
public final class TestSweeps {
  /** Its cells: 2 qualities × (sft, orpo) × 2 seeds. */
  public static final int CELLS = 8;

  private TestSweeps() {}

  /**
   * Writes the agents, a preset and the sweep file into {@code directory}: the shape of configs/sweep-quick.yaml
   * (two qualities, a few objectives, two seeds, a one-generation search) on 8 pairs of 30 steps.
   *
   * @return the sweep file
   */
  public static Path write(Path directory) {
    TestDatasets.agent(directory, "target", "hopper", 1, null);
    TestDatasets.agent(directory, "original", "hopper", 2, null);
    TestDatasets.preset(directory, "tiny", "hopper", "target.agent.json", "original.agent.json",
        "pairs: 8", "length: 30", "seed: 3", "temperature: 1.0", "noise: 0.25", "rollout_batch: 4",
        "pairs_per_chunk: 4",
        "benchmark:",
        "  trainer: {epochs: 3, sft_epochs: 2}",
        "  evaluation: {episodes: 4, seed: 5, length: 60}",
        "search:",
        "  pairs: 2",
        "  trainer: {epochs: 2, sft_epochs: 1}",
        "  evaluation: {episodes: 3, seed: 5, length: 40}");
    try {
      return Files.writeString(directory.resolve("sweep.yaml"), String.join("\n",
          "presets: [tiny.yaml]",
          "qualities: [base, noisy]",
          "seeds: 2",
          "algorithms: [sft, orpo]",
          "searches:",
          "  - {task: hopper, quality: base, generations: 1}",
          ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
