package dev.mirrorpo.config;

import dev.mirrorpo.learning.data.Quality;
import dev.mirrorpo.learning.objectives.Objectives;
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
 * @param discovered best.json files of searches whose objectives are benchmarked as rows of their own
 *     (resolved against the preset's directory; not read here, see the runs module's {@code DiscoveredObjectives})
 * @param training how each cell is trained, evaluated and started
 */
public record BenchmarkConfig(Path file, List<String> algorithms, List<Quality> qualities, int seeds,
    Map<String, List<Map<String, Double>>> grid, List<Path> discovered, TrainingSettings training) {
  /** The key of the section in a preset. */
  public static final String KEY = "benchmark";
  public static final int DEFAULT_SEEDS = 3;

  private static final List<String> KEYS = List.of("algorithms", "qualities", "seeds", "grid", "discovered",
      "trainer", "evaluation", "initial_policy");

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

    List<Path> discovered = section != null && section.has("discovered") ? section.paths("discovered") : List.of();

    TrainingSettings training = TrainingSettings.read(section);
    return new BenchmarkConfig(file, List.copyOf(algorithms), List.copyOf(qualities), seeds, grid, discovered,
        training);
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
