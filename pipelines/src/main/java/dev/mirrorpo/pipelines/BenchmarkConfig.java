package dev.mirrorpo.pipelines;

import dev.mirrorpo.learning.data.Quality;
import dev.mirrorpo.learning.objectives.Objectives;
import dev.mirrorpo.learning.training.Evaluator;
import dev.mirrorpo.learning.training.TrainerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code benchmark:} section of a preset (configs/*.yaml): which objectives to train at which
 * hyper-parameter points, on which dataset qualities, with how many seeds, how to train and how to
 * evaluate. Every key is optional; the defaults are the paper's where it has one (docs/results.md).
 *
 * @param algorithms objective names, in table order
 * @param qualities the dataset qualities to make from the preset when no datasets are given
 * @param seeds training seeds per grid point: 1..seeds
 * @param grid for each algorithm its grid points: the cross product of the values listed for it
 *     (an algorithm without a grid has one point, its defaults)
 * @param initialAgent the agent training starts from, or null to start from scratch
 */
public record BenchmarkConfig(Path file, List<String> algorithms, List<Quality> qualities, int seeds,
    Map<String, List<Map<String, Double>>> grid, TrainerConfig trainer, int episodes, long evaluationSeed,
    int episodeLength, Path initialAgent) {
  /** The key of the section in a preset. */
  public static final String KEY = "benchmark";
  public static final int DEFAULT_SEEDS = 3;
  public static final long DEFAULT_EVALUATION_SEED = 7;

  private static final List<String> KEYS = List.of("algorithms", "qualities", "seeds", "grid", "trainer",
      "evaluation", "initial_policy");
  private static final List<String> TRAINER_KEYS = List.of("epochs", "sft_epochs", "minibatch_pairs",
      "learning_rate", "max_grad_norm", "box_half_width");
  private static final List<String> EVALUATION_KEYS = List.of("episodes", "seed", "length");
  private static final String SCRATCH = "scratch";

  /**
   * Reads the benchmark section of a preset (all defaults if it has none).
   *
   * @throws IllegalArgumentException naming the file and key for an unknown key, algorithm or
   *     hyper-parameter, or a value of the wrong type
   */
  public static BenchmarkConfig load(Path file) {
    DatasetConfig dataset = DatasetConfig.load(file);
    ConfigSection root = ConfigSection.read(file, null);
    ConfigSection section = root.has(KEY) ? root.section(KEY, KEYS) : null;

    List<String> algorithms = section != null && section.has("algorithms")
        ? section.texts("algorithms") : Objectives.names();
    for (String algorithm : algorithms) {
      if (!Objectives.names().contains(algorithm)) {
        throw section.problem("unknown algorithm '" + algorithm + "' in benchmark.algorithms; known: "
            + String.join(", ", Objectives.names()));
      }
    }
    List<Quality> qualities = new ArrayList<>();
    if (section != null && section.has("qualities")) {
      for (String label : section.texts("qualities")) {
        try {
          qualities.add(Quality.byLabel(label));
        } catch (IllegalArgumentException e) {
          throw section.problem("benchmark.qualities: " + e.getMessage());
        }
      }
    } else {
      qualities.add(dataset.quality());
    }
    int seeds = section != null && section.has("seeds") ? Math.toIntExact(section.wholeNumber("seeds")) : DEFAULT_SEEDS;
    if (seeds < 1) {
      throw section.problem("benchmark.seeds must be at least 1, got " + seeds);
    }

    Map<String, List<Map<String, Double>>> grid = new LinkedHashMap<>();
    ConfigSection gridSection = section != null && section.has("grid") ? section.section("grid", algorithms) : null;
    for (String algorithm : algorithms) {
      grid.put(algorithm, gridSection != null && gridSection.has(algorithm)
          ? points(gridSection.section(algorithm, List.copyOf(Objectives.defaults(algorithm).keySet())))
          : List.of(Map.of()));
    }

    TrainerConfig paper = TrainerConfig.paper();
    TrainerConfig trainer = paper;
    if (section != null && section.has("trainer")) {
      ConfigSection t = section.section("trainer", TRAINER_KEYS);
      try {
        trainer = new TrainerConfig(
            t.has("epochs") ? Math.toIntExact(t.wholeNumber("epochs")) : paper.epochs(),
            t.has("sft_epochs") ? Math.toIntExact(t.wholeNumber("sft_epochs")) : paper.sftEpochs(),
            t.has("minibatch_pairs") ? Math.toIntExact(t.wholeNumber("minibatch_pairs")) : paper.minibatchPairs(),
            t.has("learning_rate") ? t.number("learning_rate") : paper.learningRate(),
            t.has("max_grad_norm") ? t.number("max_grad_norm") : paper.maxGradNorm(),
            t.has("box_half_width") ? t.number("box_half_width") : paper.boxHalfWidth());
      } catch (IllegalArgumentException e) {
        throw t.problem("benchmark.trainer: " + e.getMessage());
      }
    }

    int episodes = Evaluator.PAPER_EPISODES;
    long evaluationSeed = DEFAULT_EVALUATION_SEED;
    int length = Evaluator.PAPER_LENGTH;
    if (section != null && section.has("evaluation")) {
      ConfigSection e = section.section("evaluation", EVALUATION_KEYS);
      episodes = e.has("episodes") ? Math.toIntExact(e.wholeNumber("episodes")) : episodes;
      evaluationSeed = e.has("seed") ? e.wholeNumber("seed") : evaluationSeed;
      length = e.has("length") ? Math.toIntExact(e.wholeNumber("length")) : length;
      if (episodes < 2 || length < 1) {
        throw e.problem("benchmark.evaluation needs at least 2 episodes and a length of at least 1");
      }
    }

    Path initialAgent = null;
    if (section != null && section.has("initial_policy") && !section.text("initial_policy").equals(SCRATCH)) {
      initialAgent = file.toAbsolutePath().getParent().resolve(section.text("initial_policy")).normalize();
    }
    return new BenchmarkConfig(file, List.copyOf(algorithms), List.copyOf(qualities), seeds, grid, trainer, episodes,
        evaluationSeed, length, initialAgent);
  }

  /** The cross product of the values listed per hyper-parameter, in key order then value order. */
  private static List<Map<String, Double>> points(ConfigSection section) {
    List<Map<String, Double>> points = new ArrayList<>();
    points.add(new TreeMap<>());
    for (String parameter : section.keys()) {
      List<Map<String, Double>> extended = new ArrayList<>();
      for (Map<String, Double> point : points) {
        for (double value : section.numbers(parameter)) {
          Map<String, Double> next = new TreeMap<>(point);
          next.put(parameter, value);
          extended.add(next);
        }
      }
      points = extended;
    }
    return points.stream().map(Map::copyOf).toList();
  }
}
