package dev.mirrorpo.pipelines;

import dev.mirrorpo.learning.io.Directories;
import dev.mirrorpo.transforms.datasets.PreferencePairFiles;
import dev.mirrorpo.transforms.io.FileIoLeftovers;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A dataset is written beside its directory and swapped in once complete, so that a generation killed at
 * any moment leaves the dataset that was there before, whole: the new one goes to {@code .NAME.new} (files
 * and manifest), then {@code NAME} is renamed to {@code .NAME.old}, {@code .NAME.new} to {@code NAME}, and
 * {@code .NAME.old} is deleted. The two renames are the only moment without a {@code NAME}; a run killed
 * there is finished by the next one ({@link #begin}).
 *
 * <p>Only what the tool wrote is ever deleted: a directory being replaced must hold nothing but a dataset
 * (manifest.json, data/ with Parquet files of pairs and the runner's temporary directories), else the
 * replacement is refused naming the first other file. Callers hold the directory's
 * {@link dev.mirrorpo.learning.io.DirectoryLock} throughout, which is what makes the fixed names safe.
 */
final class DatasetReplacement {
  private DatasetReplacement() {}

  /** Where the new dataset of {@code dataset} is written before it is swapped in. */
  static Path staging(Path dataset) {
    return sibling(dataset, ".new");
  }

  private static Path retired(Path dataset) {
    return sibling(dataset, ".old");
  }

  private static Path sibling(Path dataset, String suffix) {
    Path absolute = dataset.toAbsolutePath().normalize();
    return absolute.resolveSibling("." + absolute.getFileName() + suffix);
  }

  /**
   * Finishes or undoes what a killed run left beside {@code dataset}, checks that it may be written (a
   * dataset there is replaced only with {@code overwrite}) and returns an empty staging directory.
   *
   * @throws IllegalArgumentException one line: a dataset (complete or not) is there and {@code overwrite}
   *     is false, or the directory holds a file that is not part of a dataset
   */
  static Path begin(Path dataset, boolean overwrite) {
    recover(dataset);
    Path manifest = PreferenceDatasets.manifestFile(dataset);
    Path data = PreferenceDatasets.dataDirectory(dataset);
    if (!overwrite) {
      if (Files.exists(manifest)) {
        throw new IllegalArgumentException("output directory " + dataset + " already holds a dataset ("
            + PreferenceDatasets.MANIFEST + "); pass --overwrite to replace it, or choose another --out");
      }
      if (Files.exists(data)) {
        throw new IllegalArgumentException("output directory " + dataset + " holds an incomplete dataset ("
            + PreferenceDatasets.DATA + "/ without " + PreferenceDatasets.MANIFEST + "); pass --overwrite to replace"
            + " it");
      }
    }
    requireOnlyDatasetFiles(dataset);
    Path staging = staging(dataset);
    try {
      Directories.deleteTree(staging);
      Files.createDirectories(PreferenceDatasets.dataDirectory(staging));
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare " + staging + " for the new dataset of " + dataset + " (" + e
          + ")", e);
    }
    return staging;
  }

  /** Removes the unfinished new dataset of a generation that failed: a failed run leaves nothing half-made. */
  static void abandon(Path dataset) {
    try {
      Directories.deleteTree(staging(dataset));
    } catch (IOException e) {
      // The next run removes it (begin); the failure being reported matters more than this one.
    }
  }

  /** Swaps the complete dataset in {@link #staging} in for whatever {@code dataset} held. */
  static void install(Path dataset) {
    Path staging = staging(dataset);
    Path retired = retired(dataset);
    try {
      if (Files.exists(dataset)) {
        rename(dataset, retired);
      }
      rename(staging, dataset);
      Directories.deleteTree(retired);
    } catch (IOException e) {
      throw new IllegalStateException("cannot move the new dataset " + staging + " into place at " + dataset + " ("
          + e + "); the next run of the same command finishes the move", e);
    }
  }

  /**
   * A run killed between the two renames left no {@code dataset}, a retired old one and a complete new
   * one: the new one goes in. Killed after them: the retired one goes. Killed before them: the staging
   * directory is an unfinished generation, removed by {@link #begin}.
   */
  private static void recover(Path dataset) {
    Path retired = retired(dataset);
    if (!Files.exists(retired)) {
      return;
    }
    try {
      if (!Files.exists(dataset)) {
        boolean newOneComplete = Files.exists(PreferenceDatasets.manifestFile(staging(dataset)));
        rename(newOneComplete ? staging(dataset) : retired, dataset);
      }
      Directories.deleteTree(retired);
    } catch (IOException e) {
      throw new IllegalStateException("cannot finish the replacement of dataset " + dataset + " that a stopped run"
          + " began (" + e + "); move " + retired + " back to " + dataset + " by hand", e);
    }
  }

  private static void requireOnlyDatasetFiles(Path dataset) {
    List<Path> foreign = new ArrayList<>(entries(dataset).stream()
        .filter(p -> !p.getFileName().toString().equals(PreferenceDatasets.MANIFEST)
            && !p.getFileName().toString().equals(PreferenceDatasets.DATA))
        .toList());
    List<Path> pairFiles = PreferencePairFiles.written(dataset);
    entries(PreferenceDatasets.dataDirectory(dataset)).stream()
        .filter(p -> !pairFiles.contains(p) && !FileIoLeftovers.isLeftover(p))
        .forEach(foreign::add);
    if (!foreign.isEmpty()) {
      throw new IllegalArgumentException("output directory " + dataset + " holds " + dataset.relativize(foreign.get(0))
          + ", which is not part of a dataset; move it out (the directory is replaced as a whole), or choose"
          + " another --out");
    }
  }

  private static List<Path> entries(Path directory) {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> listing = Files.list(directory)) {
      return listing.sorted().toList();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot list " + directory + ": " + e.getMessage(), e);
    }
  }

  private static void rename(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }
}
