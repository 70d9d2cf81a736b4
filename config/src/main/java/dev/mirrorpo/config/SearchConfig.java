package dev.mirrorpo.config;

import dev.mirrorpo.learning.data.Quality;
import dev.mirrorpo.learning.es.EsConfig;
import dev.mirrorpo.learning.es.FitnessShaping;
import dev.mirrorpo.learning.mpo.MpoConfig;
import dev.mirrorpo.learning.mpo.MpoLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code search:} section of a preset: an MPO search with OpenAI-ES (docs/design.md §7–§9). Every key is
 * optional; the defaults are the paper's (128 pairs, σ 0.03 × 0.999 per generation, Adam lr 0.02,
 * centred ranks; one-step MPO learning ψ, φ⁻¹ and g from ORPO's point with λ 0.5).
 *
 * @param generations ES generations to run (128 in the paper for Hopper)
 * @param quality the dataset quality made from the preset when no dataset is given
 * @param mpo the MPO family searched: one- or two-step, which functions are learned, temporal or not, λ or β
 * @param candidatesPerBatch the candidates a worker trains together as one batched program (population-batched
 *     training, docs/benchmarks.md); a speed setting, the fitness is the same for any value
 */
public record SearchConfig(Path file, int generations, Quality quality, EsConfig es, MpoConfig mpo,
    TrainingSettings training, int candidatesPerBatch) {
  public static final String KEY = "search";
  /**
   * 4: on this project's 2-core machine batches of 4 train 1.7× as many candidate steps per second as one
   * candidate at a time, and 8 or 16 add little more (docs/benchmarks.md), while smaller batches spread a
   * small generation over more workers.
   */
  public static final int DEFAULT_CANDIDATES_PER_BATCH = 4;
  /** The key of {@link #candidatesPerBatch} in the preset and in {@link #params()}. */
  public static final String CANDIDATES_PER_BATCH = "candidates_per_batch";
  public static final int PAPER_GENERATIONS = 128;
  public static final double PAPER_WEIGHT = 0.5;

  private static final List<String> ES_KEYS = List.of("generations", "quality", "pairs", "sigma", "sigma_decay",
      "sigma_floor", "learning_rate", "shaping", "weight_decay", "seed", CANDIDATES_PER_BATCH);
  private static final List<String> MPO_KEYS = List.of("mode", "learn_psi", "learn_g", "temporal", "lambda", "beta");

  /** Reads the search section of a preset (all defaults if it has none). */
  public static SearchConfig load(Path file) {
    DatasetConfig dataset = DatasetConfig.load(file);
    ConfigSection root = ConfigSection.read(file, null);
    List<String> keys = new ArrayList<>(ES_KEYS);
    keys.addAll(MPO_KEYS);
    keys.addAll(TrainingSettings.KEYS);
    ConfigSection section = root.has(KEY) ? root.section(KEY, keys) : null;

    EsConfig paper = EsConfig.paper();
    int generations = PAPER_GENERATIONS;
    Quality quality = dataset.quality();
    EsConfig es = paper.withSeed(dataset.seed());
    boolean twoStep = false;
    boolean learnPsi = true;
    boolean learnG = true;
    boolean temporal = false;
    Double weight = null;
    int candidatesPerBatch = DEFAULT_CANDIDATES_PER_BATCH;
    if (section != null) {
      if (section.has(CANDIDATES_PER_BATCH)) {
        candidatesPerBatch = Math.toIntExact(section.wholeNumber(CANDIDATES_PER_BATCH));
        if (candidatesPerBatch < 1) {
          throw section.problem("search.candidates_per_batch must be at least 1, got " + candidatesPerBatch);
        }
      }
      generations = section.has("generations") ? Math.toIntExact(section.wholeNumber("generations")) : generations;
      if (generations < 1) {
        throw section.problem("search.generations must be at least 1, got " + generations);
      }
      quality = section.has("quality") ? DatasetConfig.quality(section, "quality") : quality;
      try {
        es = new EsConfig(
            section.has("pairs") ? Math.toIntExact(section.wholeNumber("pairs")) : paper.pairs(),
            section.has("sigma") ? section.number("sigma") : paper.initialSigma(),
            section.has("sigma_decay") ? section.number("sigma_decay") : paper.sigmaDecay(),
            section.has("sigma_floor") ? section.number("sigma_floor") : paper.sigmaFloor(),
            section.has("learning_rate") ? section.number("learning_rate") : paper.learningRate(),
            section.has("shaping") ? shaping(section) : paper.shaping(),
            section.has("weight_decay") ? section.number("weight_decay") : paper.weightDecay(),
            section.has("seed") ? section.wholeNumber("seed") : dataset.seed());
      } catch (IllegalArgumentException e) {
        throw section.problem("search: " + e.getMessage());
      }
      if (section.has("mode")) {
        String mode = section.text("mode");
        if (!mode.equals("one-step") && !mode.equals("two-step")) {
          throw section.problem("search.mode must be one-step or two-step, got " + mode);
        }
        twoStep = mode.equals("two-step");
      }
      learnPsi = section.has("learn_psi") ? flag(section, "learn_psi") : learnPsi;
      learnG = section.has("learn_g") ? flag(section, "learn_g") : learnG;
      temporal = section.has("temporal") ? flag(section, "temporal") : temporal;
      String weightKey = twoStep ? "beta" : "lambda";
      String otherKey = twoStep ? "lambda" : "beta";
      if (section.has(otherKey)) {
        throw section.problem("search." + otherKey + " is for " + (twoStep ? "one-step" : "two-step") + " MPO; this"
            + " search is " + (twoStep ? "two-step: give search.beta" : "one-step: give search.lambda"));
      }
      weight = section.has(weightKey) ? section.number(weightKey) : null;
    }
    double strength = weight == null ? PAPER_WEIGHT : weight;
    MpoConfig mpo = twoStep ? MpoConfig.twoStep(learnG, temporal).withBeta(strength)
        : MpoConfig.oneStep(learnPsi, learnG, temporal).withLambda(strength);
    return new SearchConfig(file, generations, quality, es, mpo, TrainingSettings.read(section), candidatesPerBatch);
  }

  /** The same search with another batch size (a speed setting, e.g. from the command line). */
  public SearchConfig withCandidatesPerBatch(int candidates) {
    if (candidates < 1) {
      throw new IllegalArgumentException("--candidates-per-batch must be at least 1, got " + candidates);
    }
    return new SearchConfig(file, generations, quality, es, mpo, training, candidates);
  }

  private static FitnessShaping shaping(ConfigSection section) {
    String name = section.text("shaping");
    return switch (name) {
      case "centred-ranks", "centered-ranks" -> FitnessShaping.CENTRED_RANKS;
      case "z-score" -> FitnessShaping.Z_SCORE;
      default -> throw section.problem("search.shaping must be centred-ranks or z-score, got " + name);
    };
  }

  private static boolean flag(ConfigSection section, String key) {
    String value = section.text(key).toLowerCase(Locale.ROOT);
    if (!value.equals("true") && !value.equals("false")) {
      throw section.problem("search." + key + " must be true or false, got " + value);
    }
    return Boolean.parseBoolean(value);
  }

  /** The baseline the search is measured against: MPO's start point as the known objective. */
  public String baselineAlgorithm() {
    return mpo.twoStep() ? "dpo" : "orpo";
  }

  /** Every resolved setting as flat strings, for MLflow params and the run's config.json. */
  public Map<String, String> params() {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("config_file", file.toAbsolutePath().normalize().toString());
    params.put("generations", Integer.toString(generations));
    params.put("es.pairs", Integer.toString(es.pairs()));
    params.put("es.sigma", Double.toString(es.initialSigma()));
    params.put("es.sigma_decay", Double.toString(es.sigmaDecay()));
    params.put("es.sigma_floor", Double.toString(es.sigmaFloor()));
    params.put("es.learning_rate", Double.toString(es.learningRate()));
    params.put("es.shaping", es.shaping().name().toLowerCase(Locale.ROOT));
    params.put("es.weight_decay", Double.toString(es.weightDecay()));
    params.put("es.seed", Long.toString(es.seed()));
    params.put(CANDIDATES_PER_BATCH, Integer.toString(candidatesPerBatch));
    params.putAll(mpoParams(mpo));
    params.putAll(training.params());
    return params;
  }

  /** MPO options as flat strings (mpo.mode, mpo.lambda, ...): a search's and a discovered objective's params. */
  public static Map<String, String> mpoParams(MpoConfig mpo) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("mpo.mode", mpo.twoStep() ? "two-step" : "one-step");
    params.put("mpo.learn_psi", Boolean.toString(mpo.learnPsi()));
    params.put("mpo.learn_g", Boolean.toString(mpo.learnG()));
    params.put("mpo.temporal", Boolean.toString(mpo.temporal()));
    params.put(mpo.twoStep() ? "mpo.beta" : "mpo.lambda", Double.toString(mpo.twoStep() ? mpo.beta() : mpo.lambda()));
    params.put("mpo.dimension", Integer.toString(MpoLayout.size(mpo)));
    return params;
  }
}
