package dev.mirrorpo.transforms.training;

import dev.mirrorpo.learning.policy.RunningMeanVar;
import dev.mirrorpo.learning.training.PairedTrajectories;
import dev.mirrorpo.transforms.datasets.PairedTrajectoriesReader;
import dev.mirrorpo.transforms.datasets.PreferencePairFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Datasets loaded once per worker JVM and shared read-only by every cell that trains on them
 * (docs/design.md §10): a paper-size dataset takes seconds to read and hundreds of MB to hold.
 */
public final class SharedDatasets {
  /** A dataset in memory with the statistics of its observations (the normaliser of a fresh policy). */
  public record Loaded(PairedTrajectories data, RunningMeanVar observationStatistics) {}

  private static final ConcurrentHashMap<String, Loaded> LOADED = new ConcurrentHashMap<>();

  private SharedDatasets() {}

  /**
   * The dataset in {@code directory} (the files its manifest lists, verified), read on first use.
   *
   * @throws DataNotVisibleOnWorker if there is no such directory on this machine
   */
  public static Loaded get(String directory) {
    return LOADED.computeIfAbsent(directory, SharedDatasets::read);
  }

  private static Loaded read(String directory) {
    if (!Files.isDirectory(Path.of(directory))) {
      throw new DataNotVisibleOnWorker("dataset", directory);
    }
    PairedTrajectories trajectories = PairedTrajectoriesReader.read(PreferencePairFiles.verified(Path.of(directory)).files());
    return new Loaded(trajectories, trajectories.observationStatistics());
  }
}
