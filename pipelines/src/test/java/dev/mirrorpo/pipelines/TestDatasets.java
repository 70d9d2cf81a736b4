package dev.mirrorpo.pipelines;

import dev.mirrorpo.envs.Task;
import dev.mirrorpo.envs.Tasks;
import dev.mirrorpo.learning.policy.Agent;
import dev.mirrorpo.learning.policy.AgentFile;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.policy.PolicyArchitecture;
import dev.mirrorpo.schemas.PreferencePair;
import dev.mirrorpo.transforms.datasets.PreferencePairFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Untrained agent files, small presets and the rows of a dataset, for the dataset tests; nothing here reads agents/. */
public final class TestDatasets {
  private TestDatasets() {}

  /**
   * Writes an untrained agent of {@code task}; {@code meanReturn}, if not null, is recorded as its
   * evaluation on its task (for the poor judge's calibration).
   */
  public static Path agent(Path directory, String name, String task, long seed, Double meanReturn) {
    Task robot = Tasks.byName(task);
    try (GaussianPolicy policy = GaussianPolicy.initialize(
        PolicyArchitecture.gaussianMlp(robot.observationSize(), robot.actionSize()), seed)) {
      Path file = directory.resolve(name + AgentFile.SUFFIX);
      Agent.Evaluation evaluation = meanReturn == null ? null
          : new Agent.Evaluation(task, 100, 7, meanReturn, 1.0, 100);
      AgentFile.write(file, new Agent(task, policy,
          new Agent.Provenance("test agent " + name, seed, "unknown", "2026-01-01T00:00:00Z", 0), evaluation));
      return file;
    }
  }

  /** Writes a preset; {@code lines} are YAML lines after the agents, which are given by file name. */
  public static Path preset(Path directory, String name, String task, String target, String original,
      String... lines) {
    StringBuilder yaml = new StringBuilder()
        .append("task: ").append(task).append('\n')
        .append("target: ").append(target).append('\n')
        .append("original: ").append(original).append('\n');
    for (String line : lines) {
      yaml.append(line).append('\n');
    }
    Path file = directory.resolve(name + ".yaml");
    try {
      Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Every row of a dataset's files, in pair order. */
  public static List<PreferencePair> rows(Path dataset) {
    List<PreferencePair> rows = new ArrayList<>();
    for (Path file : PreferenceDatasets.dataFiles(dataset)) {
      rows.addAll(PreferencePairFiles.readAll(file));
    }
    rows.sort(Comparator.comparingLong(PreferencePair::getPairIndex));
    return rows;
  }

  /** Copies a directory tree (a dataset, a run directory) to {@code to}, which must not exist. */
  public static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path path : walk.toList()) {
        Files.copy(path, to.resolve(from.relativize(path).toString()));
      }
    }
  }
}
