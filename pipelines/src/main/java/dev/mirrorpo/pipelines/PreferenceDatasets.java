package dev.mirrorpo.pipelines;

import dev.mirrorpo.learning.data.DatasetStatistics;
import dev.mirrorpo.learning.data.RowsDigest;
import dev.mirrorpo.learning.io.Directories;
import dev.mirrorpo.transforms.datasets.DatasetManifest;
import dev.mirrorpo.transforms.datasets.PreferencePairFiles;
import dev.mirrorpo.transforms.io.FileIoLeftovers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The layout of a preference dataset directory: the Parquet files under data/, and manifest.json,
 * written last. Checks a directory before a generation writes into it, and verifies one for
 * inspection.
 */
public final class PreferenceDatasets {
  public static final String MANIFEST = DatasetManifest.FILE_NAME;
  public static final String DATA = PreferencePairFiles.DATA_DIRECTORY;

  private PreferenceDatasets() {}

  /**
   * The dataset and its files as verified against the manifest, and what its rows hold.
   *
   * @param rowsSha256 the rows' digest in pair order ({@link RowsDigest}), independent of the sharding
   */
  public record Inspection(DatasetManifest manifest, DatasetStatistics statistics, String rowsSha256,
      long bytesOnDisk) {}

  /** What one pass over a dataset's rows finds: their statistics and their digest in pair order. */
  public record Scan(DatasetStatistics statistics, String rowsSha256) {}

  public static Path manifestFile(Path dataset) {
    return dataset.resolve(MANIFEST);
  }

  public static Path dataDirectory(Path dataset) {
    return dataset.resolve(DATA);
  }

  /**
   * Removes what the runner left of its temporary files under data/ (FileIO deletes the files
   * but may leave their directory); only for a finished run.
   */
  public static void removeRunnerLeftovers(Path dataset) {
    FileIoLeftovers.removeFrom(dataDirectory(dataset));
  }

  /** The Parquet files a generation wrote under data/, in name order, before its manifest lists them. */
  public static List<Path> dataFiles(Path dataset) {
    return PreferencePairFiles.written(dataset);
  }

  /** Statistics and digest of every row of the files, in one pass. */
  public static Scan scan(List<Path> files) {
    DatasetStatistics statistics = new DatasetStatistics();
    RowsDigest digest = new RowsDigest();
    for (Path file : files) {
      PreferencePairFiles.forEachRow(file, row -> {
        statistics.add(row);
        digest.add(row);
      });
    }
    return new Scan(statistics, digest.sha256());
  }

  /**
   * Verifies a dataset and reads its statistics from its rows.
   *
   * @throws IllegalArgumentException with one message if the directory holds no dataset, the
   *     dataset is incomplete (no manifest), a file is missing, truncated, changed or not listed in the
   *     manifest, or a file is not readable Parquet
   */
  public static Inspection inspect(Path dataset) {
    PreferencePairFiles.Verified verified = PreferencePairFiles.verified(dataset);
    DatasetManifest manifest = verified.manifest();
    long bytes = manifest.files().stream().mapToLong(DatasetManifest.DataFile::bytes).sum();
    Scan scan = scan(verified.files());
    if (manifest.rowsSha256() != null && !manifest.rowsSha256().equals(scan.rowsSha256())) {
      throw new IllegalArgumentException("the rows of dataset " + dataset + " do not match the rows digest in its "
          + MANIFEST + " although every file matches its SHA-256: the manifest was edited; regenerate the dataset");
    }
    return new Inspection(manifest, scan.statistics(), scan.rowsSha256(), bytes);
  }

  /** Deletes a dataset directory and everything in it. */
  public static void delete(Path dataset) {
    try {
      Directories.deleteTree(dataset);
    } catch (IOException e) {
      throw failed("cannot delete " + dataset, e);
    }
  }

  /** An I/O failure as one line: what we tried, and the exception, whose message alone may be a bare path. */
  private static IllegalStateException failed(String what, IOException e) {
    return new IllegalStateException(what + " (" + e + ")", e);
  }
}
