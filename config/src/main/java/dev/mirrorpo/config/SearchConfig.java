package dev.mirrorpo.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.mirrorpo.learning.data.Quality;
import dev.mirrorpo.learning.mpo.MpoConfig;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code search:} section of a preset: an MPO search with OpenAI-ES (docs/search.md). Every key is optional;
 * the defaults are the paper's. Its params (MLflow's, and search.json's, which a resumed search must match) are
 * its keys as resolved, the ES keys as es.* and the MPO keys as mpo.*.
 *
 * @param generations ES generations to run (default 128, the paper's for Hopper)
 * @param quality the dataset quality made from the preset when no dataset is given (default: the preset's
 *     {@code quality}; null until {@link Preset} fills it in). Not a param: the dataset's are.
 * @param es the ES keys, written in this section: {@link EsSettings}
 * @param candidatesPerBatch the candidates a worker trains together as one batched program (population-batched
 *     training, docs/benchmarks.md); a speed setting, the fitness is the same for any value (default
 *     {@value #DEFAULT_CANDIDATES_PER_BATCH})
 * @param mpo the MPO keys, written in this section: {@link MpoSettings}
 * @param trainer how each candidate is trained
 * @param initialPolicy {@value TrainingSettings#SCRATCH} (default), or the agent file training starts from,
 *     relative to the preset
 * @param evaluation how each candidate's policy is scored: its fitness
 * @param evaluateEvery the search evaluates its current ES mean ζ (not a perturbed candidate) after every this many
 *     generations and after the last one, on training seeds and episodes of its own that no candidate is scored on;
 *     best.json is the best of these evaluated means (default {@value #DEFAULT_EVALUATE_EVERY}; docs/search.md,
 *     "Honest figures")
 * @param evaluateSeeds the training seeds each evaluation of the mean trains on, at least 2 so that it has a
 *     standard error (default {@value #DEFAULT_EVALUATE_SEEDS})
 * @param reevaluateTop at the end, the best this many candidates (by their noisy fitness) are re-evaluated next to
 *     the best evaluated mean and the baseline on fresh seeds, paired (default {@value #DEFAULT_REEVALUATE_TOP}; 0:
 *     the mean and the baseline only)
 * @param reevaluateSeeds the fresh training seeds of that re-evaluation, at least 2 (default
 *     {@value #DEFAULT_REEVALUATE_SEEDS})
 */
public record SearchConfig(Integer generations, @JsonProperty(access = JsonProperty.Access.WRITE_ONLY) Quality quality,
    @Inline EsSettings es, Integer candidatesPerBatch, @Inline MpoSettings mpo, TrainerSettings trainer,
    @JsonDeserialize(using = PresetMapper.InitialPolicy.class) String initialPolicy, EvaluationSettings evaluation,
    Integer evaluateEvery, Integer evaluateSeeds, Integer reevaluateTop, Integer reevaluateSeeds) {
  public static final int PAPER_GENERATIONS = 128;
  /**
   * 4: on this project's 2-core machine batches of 4 train 1.7× as many candidate steps per second as one
   * candidate at a time, and 8 or 16 add little more (docs/benchmarks.md), while smaller batches spread a
   * small generation over more workers.
   */
  public static final int DEFAULT_CANDIDATES_PER_BATCH = 4;
  /** The key of {@link #candidatesPerBatch} in the preset and in {@link #params()}. */
  public static final String CANDIDATES_PER_BATCH = "candidates_per_batch";
  public static final int DEFAULT_EVALUATE_EVERY = 5;
  public static final int DEFAULT_EVALUATE_SEEDS = 3;
  public static final int DEFAULT_REEVALUATE_TOP = 3;
  public static final int DEFAULT_REEVALUATE_SEEDS = 5;
  /**
   * The keys of the mean's evaluations and the final re-evaluation in {@link #params()}: a search recorded before
   * they existed resumes with their values as they are now (they change no generation's fitness or ES state).
   */
  public static final List<String> EVALUATION_KEYS = List.of("evaluate_every", "evaluate_seeds",
      "reevaluate_top", "reevaluate_seeds");

  public SearchConfig {
    generations = generations == null ? PAPER_GENERATIONS : generations;
    if (generations < 1) {
      throw new IllegalArgumentException("search.generations must be at least 1, got " + generations);
    }
    candidatesPerBatch = candidatesPerBatch == null ? DEFAULT_CANDIDATES_PER_BATCH : candidatesPerBatch;
    if (candidatesPerBatch < 1) {
      throw new IllegalArgumentException("search.candidates_per_batch must be at least 1, got " + candidatesPerBatch);
    }
    es = Objects.requireNonNullElseGet(es, () -> new EsSettings(null, null, null, null, null, null, null, null));
    mpo = Objects.requireNonNullElseGet(mpo, () -> new MpoSettings(null, null, null, null, null, null));
    trainer = Objects.requireNonNullElseGet(trainer, TrainerSettings::paper);
    initialPolicy = Objects.requireNonNullElse(initialPolicy, TrainingSettings.SCRATCH);
    evaluation = Objects.requireNonNullElseGet(evaluation, EvaluationSettings::paper);
    evaluateEvery = atLeast("evaluate_every", evaluateEvery, DEFAULT_EVALUATE_EVERY, 1);
    evaluateSeeds = atLeast("evaluate_seeds", evaluateSeeds, DEFAULT_EVALUATE_SEEDS, 2);
    reevaluateTop = atLeast("reevaluate_top", reevaluateTop, DEFAULT_REEVALUATE_TOP, 0);
    reevaluateSeeds = atLeast("reevaluate_seeds", reevaluateSeeds, DEFAULT_REEVALUATE_SEEDS, 2);
  }

  private static int atLeast(String key, Integer value, int defaultValue, int least) {
    int resolved = value == null ? defaultValue : value;
    if (resolved < least) {
      throw new IllegalArgumentException("search." + key + " must be at least " + least + ", got " + resolved);
    }
    return resolved;
  }

  static SearchConfig defaults() {
    return new SearchConfig(null, null, null, null, null, null, null, null, null, null, null, null);
  }

  SearchConfig forDataset(DatasetConfig dataset) {
    return new SearchConfig(generations, quality == null ? dataset.quality() : quality,
        es.withDefaultSeed(dataset.seed()), candidatesPerBatch, mpo, trainer, initialPolicy, evaluation, evaluateEvery,
        evaluateSeeds, reevaluateTop, reevaluateSeeds);
  }

  /** The same search with another batch size (a speed setting, e.g. from the command line). */
  public SearchConfig withCandidatesPerBatch(int candidates) {
    if (candidates < 1) {
      throw new IllegalArgumentException("--candidates-per-batch must be at least 1, got " + candidates);
    }
    return new SearchConfig(generations, quality, es, candidates, mpo, trainer, initialPolicy, evaluation, evaluateEvery,
        evaluateSeeds, reevaluateTop, reevaluateSeeds);
  }

  public TrainingSettings training() {
    return new TrainingSettings(trainer, initialPolicy, evaluation);
  }

  /** The baseline the search is measured against: MPO's start point as the known objective. */
  public String baselineAlgorithm() {
    return mpo.config().twoStep() ? "dpo" : "orpo";
  }

  /** The search's settings as flat strings, for MLflow params and the run's search.json. */
  public Map<String, String> params() {
    return PresetMapper.params(this);
  }

  /** A discovered objective's MPO settings as the search's params name them (mpo.mode, mpo.lambda, ...). */
  public static Map<String, String> mpoParams(MpoConfig mpo) {
    return PresetMapper.params(Map.of("mpo", MpoSettings.of(mpo)));
  }
}
