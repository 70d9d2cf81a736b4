package dev.mirrorpo.config;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A preset (configs/*.yaml), read once: the dataset keys at its top, its {@code benchmark:} and its {@code search:}
 * section. Each section is a record that declares and documents its keys; a key that none declares is refused
 * by name. Relative paths are relative to the preset's directory, so a preset works from any working directory.
 *
 * @param file the YAML file it came from
 * @param dataset the keys at the top of the file
 * @param benchmark the {@code benchmark:} section (all defaults if there is none)
 * @param search the {@code search:} section (all defaults if there is none)
 */
public record Preset(Path file, @Inline DatasetConfig dataset, BenchmarkConfig benchmark, SearchConfig search) {
  public Preset {
    benchmark = Objects.requireNonNullElseGet(benchmark, BenchmarkConfig::defaults).forDataset(dataset);
    search = Objects.requireNonNullElseGet(search, SearchConfig::defaults).forDataset(dataset);
  }

  // The file is no key of the preset: the reader injects it, which Jackson 2.15 does into a creator's
  // parameter but not into a record's component.
  @JsonCreator
  static Preset bind(@JacksonInject Path file, @JsonProperty("dataset") DatasetConfig dataset,
      @JsonProperty("benchmark") BenchmarkConfig benchmark, @JsonProperty("search") SearchConfig search) {
    return new Preset(file, dataset, benchmark, search);
  }

  /**
   * Reads a preset.
   *
   * @throws IllegalArgumentException naming the file, and the key if there is one, for a missing file, malformed
   *     YAML, a duplicate, unknown or missing key, a value of the wrong type or a value out of range
   */
  public static Preset load(Path file) {
    return PresetMapper.read(file);
  }

  /** The preset's absolute path, as run files and MLflow params record it ("config_file"). */
  public String location() {
    return file.toAbsolutePath().normalize().toString();
  }

  /**
   * Refuses pairs of another task than the preset's: its agents, its initial policy and its training
   * settings are for that task, and a result on other data would be reported under the preset's name.
   *
   * @param what the data, for the message ("--dataset DIR")
   */
  public void requireTask(String datasetTask, String what) {
    if (!dataset.task().equals(datasetTask)) {
      throw new IllegalArgumentException(what + " holds " + datasetTask + " pairs, but the preset " + file + " is for "
          + dataset.task() + "; give a " + dataset.task() + " dataset, or a preset for " + datasetTask);
    }
  }
}
