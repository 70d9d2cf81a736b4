package dev.mirrorpo.pipelines;

import dev.mirrorpo.schemas.PreferencePair;
import dev.mirrorpo.transforms.TinyDatasets;
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

  /** An untrained agent file: {@link TinyDatasets#agent}, shared with the transforms' tests. */
  public static Path agent(Path directory, String name, String task, long seed, Double meanReturn) {
    return TinyDatasets.agent(directory, name, task, seed, meanReturn);
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
