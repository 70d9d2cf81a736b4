package dev.mirrorpo.config;

import dev.mirrorpo.learning.data.Quality;
import java.nio.file.Path;
import java.util.List;

/**
 * A dataset preset (configs/*.yaml), as written; the dataset pipeline resolves it against the
 * command line. Relative agent paths are relative to the config file's directory, so a preset
 * works from any working directory.
 *
 * @param file the YAML file it came from
 * @param quality the quality made when the command line names none
 * @param temperature η of the judge of base, noisy and mixed datasets
 * @param noise ε of noisy datasets when the command line gives none, or null
 * @param poorJudge how the poor judge is set up, or null if the preset makes no poor-judge dataset
 * @param rolloutBatch pairs rolled out together (one batch of environments per agent)
 * @param pairsPerChunk pairs per unit of work (about one file each)
 */
public record DatasetConfig(Path file, String task, Path target, Path original, Quality quality, long pairs,
    int length, long seed, double temperature, Double noise, PoorJudge poorJudge, int rolloutBatch,
    int pairsPerChunk) {
  public static final int DEFAULT_ROLLOUT_BATCH = 32;
  public static final int DEFAULT_PAIRS_PER_CHUNK = 128;

  private static final List<String> KEYS = List.of("task", "target", "original", "quality", "pairs", "length",
      "seed", "temperature", "noise", "poor_judge", "rollout_batch", "pairs_per_chunk", BenchmarkConfig.KEY,
      SearchConfig.KEY);
  private static final List<String> POOR_JUDGE_KEYS = List.of("agreement", "return_gap", "temperature", "original");

  /**
   * The poor judge: either a temperature, or the probability {@code agreement} with which it should
   * rank the target agent above the original; η = Δr / ln(p / (1 − p)) with Δr the gap between
   * the two agents' mean returns ({@code returnGap}, or the returns recorded in the agent files).
   *
   * @param original the original agent of poor-judge datasets, if not the preset's
   */
  public record PoorJudge(Double temperature, Double agreement, Double returnGap, Path original) {}

  /**
   * Reads a preset.
   *
   * @throws IllegalArgumentException naming the file and the key for a missing file, malformed
   *     YAML, an unknown key, a missing key or a value of the wrong type
   */
  public static DatasetConfig load(Path file) {
    ConfigSection root = ConfigSection.read(file, KEYS);
    Path base = file.toAbsolutePath().getParent();
    PoorJudge poorJudge = null;
    if (root.has("poor_judge")) {
      ConfigSection section = root.section("poor_judge", POOR_JUDGE_KEYS);
      poorJudge = new PoorJudge(section.optionalNumber("temperature"), section.optionalNumber("agreement"),
          section.optionalNumber("return_gap"),
          section.has("original") ? base.resolve(section.text("original")).normalize() : null);
      if ((poorJudge.temperature() == null) == (poorJudge.agreement() == null)) {
        throw section.problem("give either poor_judge.temperature or poor_judge.agreement (to calibrate η on the"
            + " agents' returns), not both");
      }
    }
    Quality quality = root.has("quality") ? quality(root, "quality") : Quality.BASE;
    return new DatasetConfig(file, root.text("task"), base.resolve(root.text("target")).normalize(),
        base.resolve(root.text("original")).normalize(), quality, root.wholeNumber("pairs"),
        Math.toIntExact(root.wholeNumber("length")), root.wholeNumber("seed"), root.number("temperature"),
        root.optionalNumber("noise"), poorJudge,
        root.has("rollout_batch") ? Math.toIntExact(root.wholeNumber("rollout_batch")) : DEFAULT_ROLLOUT_BATCH,
        root.has("pairs_per_chunk") ? Math.toIntExact(root.wholeNumber("pairs_per_chunk")) : DEFAULT_PAIRS_PER_CHUNK);
  }

  /**
   * Refuses pairs of another task than the preset's: its agents, its initial policy and its training
   * settings are for that task, and a result on other data would be reported under the preset's name.
   *
   * @param what the data, for the message ("--dataset DIR")
   */
  public void requireTask(String datasetTask, String what) {
    if (!task.equals(datasetTask)) {
      throw new IllegalArgumentException(what + " holds " + datasetTask + " pairs, but the preset " + file + " is for "
          + task + "; give a " + task + " dataset, or a preset for " + datasetTask);
    }
  }

  static Quality quality(ConfigSection section, String key) {
    try {
      return Quality.byLabel(section.text(key));
    } catch (IllegalArgumentException e) {
      throw section.problem(e.getMessage());
    }
  }
}
