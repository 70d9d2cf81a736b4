package dev.mirrorpo.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.mirrorpo.learning.data.Quality;
import dev.mirrorpo.learning.objectives.Objectives;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The {@code benchmark:} section of a preset: which objectives to train at which hyper-parameter points, on which
 * dataset qualities, with how many seeds, how to train and how to evaluate (docs/results.md). Every key is
 * optional; the defaults are the paper's where it has one.
 *
 * @param algorithms objective names, in table order (default: every known objective)
 * @param qualities the dataset qualities made from the preset when no datasets are given (default: the preset's
 *     {@code quality}; null until {@link Preset} fills it in)
 * @param seeds training seeds per grid point: 1..seeds (default 3)
 * @param grid for some of the algorithms the values to try per hyper-parameter, e.g. {@code dpo: {beta: [0.1,
 *     1.0]}}; an algorithm's grid points are their cross product (an algorithm without a grid has one point, its
 *     defaults)
 * @param discovered best.json files of searches whose objectives are benchmarked as rows of their own, relative
 *     to the preset (read by the runs module's {@code DiscoveredObjectives})
 * @param trainer how each cell is trained
 * @param initialPolicy {@value TrainingSettings#SCRATCH} (default), or the agent file training starts from,
 *     relative to the preset
 * @param evaluation how each trained policy is scored
 */
public record BenchmarkConfig(List<String> algorithms, List<Quality> qualities, Integer seeds,
    Map<String, Map<String, List<Double>>> grid, List<Path> discovered, TrainerSettings trainer,
    @JsonDeserialize(using = PresetMapper.InitialPolicy.class) String initialPolicy, EvaluationSettings evaluation) {
  public static final int DEFAULT_SEEDS = 3;

  public BenchmarkConfig {
    algorithms = algorithms == null ? Objectives.names() : List.copyOf(algorithms);
    for (String algorithm : algorithms) {
      if (!Objectives.names().contains(algorithm)) {
        throw new IllegalArgumentException("unknown algorithm '" + algorithm + "' in benchmark.algorithms; known: "
            + String.join(", ", Objectives.names()));
      }
    }
    qualities = qualities == null ? null : List.copyOf(qualities);
    seeds = seeds == null ? DEFAULT_SEEDS : seeds;
    if (seeds < 1) {
      throw new IllegalArgumentException("benchmark.seeds must be at least 1, got " + seeds);
    }
    grid = grid == null ? Map.of() : grid;
    for (Map.Entry<String, Map<String, List<Double>>> entry : grid.entrySet()) {
      String algorithm = entry.getKey();
      if (!algorithms.contains(algorithm)) {
        throw new IllegalArgumentException(PresetMapper.unknownKey("benchmark.grid.", algorithm, algorithms));
      }
      List<String> parameters = List.copyOf(Objectives.defaults(algorithm).keySet());
      for (Map.Entry<String, List<Double>> values : Objects.requireNonNullElse(entry.getValue(),
          Map.<String, List<Double>>of()).entrySet()) {
        String key = "benchmark.grid." + algorithm + ".";
        if (!parameters.contains(values.getKey())) {
          throw new IllegalArgumentException(PresetMapper.unknownKey(key, values.getKey(), parameters));
        }
        PresetMapper.require(values.getValue(), key + values.getKey());
      }
    }
    discovered = discovered == null ? List.of() : List.copyOf(discovered);
    trainer = Objects.requireNonNullElseGet(trainer, TrainerSettings::paper);
    initialPolicy = Objects.requireNonNullElse(initialPolicy, TrainingSettings.SCRATCH);
    evaluation = Objects.requireNonNullElseGet(evaluation, EvaluationSettings::paper);
  }

  static BenchmarkConfig defaults() {
    return new BenchmarkConfig(null, null, null, null, null, null, null, null);
  }

  BenchmarkConfig forDataset(DatasetConfig dataset) {
    return qualities != null ? this : new BenchmarkConfig(algorithms, List.of(dataset.quality()), seeds, grid,
        discovered, trainer, initialPolicy, evaluation);
  }

  public TrainingSettings training() {
    return new TrainingSettings(trainer, initialPolicy, evaluation);
  }

  /** For each algorithm its grid points: {@code grid}'s cross product, in key order then value order. */
  public Map<String, List<Map<String, Double>>> points() {
    Map<String, List<Map<String, Double>>> points = new LinkedHashMap<>();
    for (String algorithm : algorithms) {
      points.put(algorithm, crossProduct(Objects.requireNonNullElse(grid.get(algorithm), Map.of())));
    }
    return points;
  }

  private static List<Map<String, Double>> crossProduct(Map<String, List<Double>> values) {
    List<Map<String, Double>> points = new ArrayList<>();
    points.add(new TreeMap<>());
    for (Map.Entry<String, List<Double>> parameter : values.entrySet()) {
      List<Map<String, Double>> extended = new ArrayList<>();
      for (Map<String, Double> point : points) {
        for (double value : parameter.getValue()) {
          Map<String, Double> next = new TreeMap<>(point);
          next.put(parameter.getKey(), value);
          extended.add(next);
        }
      }
      points = extended;
    }
    return points.stream().map(Map::copyOf).toList();
  }
}
