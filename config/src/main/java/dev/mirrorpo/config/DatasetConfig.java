package dev.mirrorpo.config;

import dev.mirrorpo.learning.data.Quality;
import java.nio.file.Path;

/**
 * The keys at the top of a preset: how its preference datasets are made (docs/datasets.md). The dataset pipeline
 * resolves them against the command line, which may override most of them.
 *
 * @param task hopper, ant or tla: where both sides are played and judged
 * @param target the target agent's file, relative to the preset; it must be trained on {@code task}
 * @param original the original agent's file, relative to the preset; it must be able to act in {@code task}
 *     (an ant agent on tla)
 * @param quality the quality made when the command line names none (default base)
 * @param pairs the number of pairs
 * @param length the episode step limit
 * @param seed the dataset seed (and the search's ES seed unless {@code search.seed} is given)
 * @param temperature η of the judge of base, noisy and mixed datasets
 * @param noise ε of noisy datasets when the command line gives none, or null
 * @param poorJudge how the poor judge is set up, or null if the preset makes no poor-judge dataset
 * @param rolloutBatch pairs rolled out together, one batch of environments per agent (default 32)
 * @param pairsPerChunk pairs per unit of work of the pipeline, about one file each, a multiple of
 *     {@code rollout_batch} (default 128)
 */
public record DatasetConfig(String task, Path target, Path original, Quality quality, Long pairs, Integer length,
    Long seed, Double temperature, Double noise, PoorJudge poorJudge, Integer rolloutBatch, Integer pairsPerChunk) {
  public static final int DEFAULT_ROLLOUT_BATCH = 32;
  public static final int DEFAULT_PAIRS_PER_CHUNK = 128;

  public DatasetConfig {
    PresetMapper.require(task, "task");
    PresetMapper.require(target, "target");
    PresetMapper.require(original, "original");
    PresetMapper.require(pairs, "pairs");
    PresetMapper.require(length, "length");
    PresetMapper.require(seed, "seed");
    PresetMapper.require(temperature, "temperature");
    quality = quality == null ? Quality.BASE : quality;
    rolloutBatch = rolloutBatch == null ? DEFAULT_ROLLOUT_BATCH : rolloutBatch;
    pairsPerChunk = pairsPerChunk == null ? DEFAULT_PAIRS_PER_CHUNK : pairsPerChunk;
  }

  /**
   * The {@code poor_judge:} section: the poor judge's η, given or calibrated: it should rank the target agent
   * above the original with probability {@code agreement} when their mean returns differ by Δr, so
   * η = Δr / ln(p / (1 − p)).
   *
   * @param temperature η itself, instead of {@code agreement}
   * @param agreement p, instead of {@code temperature} (the command line's --judge-agreement overrides it)
   * @param returnGap Δr; if null, the target's minus the original's mean return as recorded in the agent files
   *     (their evaluation must be on the dataset's task)
   * @param original the original agent of poor-judge datasets, relative to the preset, if not the preset's
   */
  public record PoorJudge(Double temperature, Double agreement, Double returnGap, Path original) {
    public PoorJudge {
      if ((temperature == null) == (agreement == null)) {
        throw new IllegalArgumentException("give either poor_judge.temperature or poor_judge.agreement (to calibrate"
            + " η on the agents' returns), not both");
      }
    }
  }
}
