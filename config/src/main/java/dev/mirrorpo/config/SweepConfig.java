package dev.mirrorpo.config;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mirrorpo.learning.data.Quality;
import dev.mirrorpo.learning.objectives.Objectives;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A sweep file (configs/nightly.yaml, configs/sweep-quick.yaml; docs/sweeps.md): the matrix of tasks × dataset
 * qualities × seeds × {baseline objectives with their grids, MPO searches} that {@code mirrorpo sweep} runs. The
 * tasks are presets, one per task, which say everything else: how the datasets are made (their top keys), how a
 * cell is trained and scored and each objective's grid (their {@code benchmark:} section), and how a search runs
 * (their {@code search:} section). Read like a preset: unknown and duplicate keys are refused by name, and
 * relative paths are relative to the sweep file.
 *
 * @param file the YAML file it came from
 * @param presets one preset per task, relative to the sweep file (required; two presets of one task are refused)
 * @param qualities the dataset qualities of every task, each made once under OUT/datasets/TASK/QUALITY and
 *     benchmarked (required; a preset must be able to make each, e.g. poor-judge needs its {@code poor_judge})
 * @param seeds training seeds 1..seeds of every cell (default: each preset's {@code benchmark.seeds})
 * @param algorithms the baseline objectives, in table order (default: each preset's {@code benchmark.algorithms});
 *     an objective with a grid in its preset's {@code benchmark.grid} is trained at each of its points
 * @param searches the MPO searches (default none), each on one task's dataset of one quality
 */
public record SweepConfig(Path file, List<Path> presets, List<Quality> qualities, Integer seeds,
    List<String> algorithms, List<Search> searches) {

  /**
   * One MPO search of a sweep: the preset of {@code task}'s search section, on that task's dataset of
   * {@code quality}, resumed per generation like {@code mirrorpo evolve}. Its ES seed is the preset's.
   *
   * @param task the task of one of the sweep's presets (required)
   * @param quality one of the sweep's qualities (required)
   * @param generations ES generations (default: the preset's {@code search.generations})
   */
  public record Search(String task, Quality quality, Integer generations) {
    public Search {
      PresetMapper.require(task, "searches.task");
      PresetMapper.require(quality, "searches.quality");
      if (generations != null && generations < 1) {
        throw new IllegalArgumentException("searches.generations must be at least 1, got " + generations);
      }
    }

    /** Its name in the sweep's files: TASK-QUALITY. */
    public String name() {
      return task + "-" + quality.label();
    }
  }

  public SweepConfig {
    presets = List.copyOf(PresetMapper.require(presets, "presets"));
    if (presets.isEmpty()) {
      throw new IllegalArgumentException("'presets' names no preset; give one per task, e.g. presets: [quick.yaml]");
    }
    qualities = List.copyOf(PresetMapper.require(qualities, "qualities"));
    if (qualities.isEmpty() || new LinkedHashSet<>(qualities).size() != qualities.size()) {
      throw new IllegalArgumentException("'qualities' must name at least one quality, each once; got " + qualities);
    }
    if (seeds != null && seeds < 1) {
      throw new IllegalArgumentException("seeds must be at least 1, got " + seeds);
    }
    if (algorithms != null) {
      algorithms = List.copyOf(algorithms);
      for (String algorithm : algorithms) {
        if (!Objectives.names().contains(algorithm)) {
          throw new IllegalArgumentException("unknown algorithm '" + algorithm + "' in algorithms; known: "
              + String.join(", ", Objectives.names()));
        }
      }
    }
    searches = searches == null ? List.of() : List.copyOf(searches);
    Set<String> names = new LinkedHashSet<>();
    for (Search search : searches) {
      if (!qualities.contains(search.quality())) {
        throw new IllegalArgumentException("searches: " + search.name() + " is on quality " + search.quality().label()
            + ", which is not one of the sweep's qualities " + qualities);
      }
      if (!names.add(search.name())) {
        throw new IllegalArgumentException("searches: " + search.name() + " is listed twice");
      }
    }
  }

  // The file is no key of the sweep: the reader injects it, as it does a preset's.
  @JsonCreator
  static SweepConfig bind(@JacksonInject Path file, @JsonProperty("presets") List<Path> presets,
      @JsonProperty("qualities") List<Quality> qualities, @JsonProperty("seeds") Integer seeds,
      @JsonProperty("algorithms") List<String> algorithms, @JsonProperty("searches") List<Search> searches) {
    return new SweepConfig(file, presets, qualities, seeds, algorithms, searches);
  }

  /**
   * Reads a sweep file and its presets.
   *
   * @throws IllegalArgumentException naming the file, and the key if there is one, for anything a preset's
   *     reading refuses, a preset that does not load, two presets of one task, or a search of no preset's task
   */
  public static Loaded load(Path file) {
    SweepConfig config = PresetMapper.read(file, SweepConfig.class);
    Map<String, Preset> byTask = new LinkedHashMap<>();
    for (Path path : config.presets()) {
      Preset preset = Preset.load(path);
      Preset other = byTask.putIfAbsent(preset.dataset().task(), preset);
      if (other != null) {
        throw new IllegalArgumentException("config " + file + ": presets " + other.file() + " and " + path
            + " are both for " + preset.dataset().task() + "; give one preset per task");
      }
    }
    for (Search search : config.searches()) {
      if (!byTask.containsKey(search.task())) {
        throw new IllegalArgumentException("config " + file + ": searches: task '" + search.task()
            + "' is none of the presets' tasks " + byTask.keySet());
      }
    }
    return new Loaded(config, byTask);
  }

  /** A sweep with its presets read, by task in the file's order. */
  public record Loaded(SweepConfig config, Map<String, Preset> presets) {
    /** The cells' seeds on a task: the sweep's, else the preset's benchmark seeds. */
    public int seeds(String task) {
      return Objects.requireNonNullElse(config.seeds(), presets.get(task).benchmark().seeds());
    }

    /** The baseline objectives on a task: the sweep's, else the preset's benchmark algorithms. */
    public List<String> algorithms(String task) {
      return config.algorithms() != null ? config.algorithms() : presets.get(task).benchmark().algorithms();
    }
  }
}
