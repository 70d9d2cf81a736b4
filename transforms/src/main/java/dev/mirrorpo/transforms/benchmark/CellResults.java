package dev.mirrorpo.transforms.benchmark;

import dev.mirrorpo.schemas.BenchmarkResult;
import dev.mirrorpo.transforms.io.ParquetRows;
import dev.mirrorpo.transforms.io.SealedFiles;
import dev.mirrorpo.transforms.training.DataNotVisibleOnWorker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import dev.mirrorpo.learning.io.Sha256;

/**
 * A benchmark's results one cell at a time, so that a killed benchmark loses only the cells that were
 * running: each cell's result is written by the worker that evaluated it, as soon as it is evaluated, into a
 * directory of its own, RESULTS/cells/NAME/result.parquet, then sealed there ({@link SealedFiles}:
 * checksums.json, written last). A cell directory without its seal is a cell that was being written when its
 * process died: it is not finished, and its next run writes it again.
 */
public final class CellResults {
  /** The directory of the cells' directories, in a dataset's results directory. */
  public static final String CELLS = "cells";
  static final String PREFIX = "result";
  private static final String FILE = PREFIX + ".parquet";
  private static final String ROWS = "benchmark results";

  private CellResults() {}

  /**
   * A cell's directory: readable (algorithm, grid point, seed) and unique (a hash of its key, which a
   * discovered objective's file hash ends).
   */
  static Path directory(Path results, BenchmarkCell cell) {
    String readable = (cell.algorithm() + "-" + cell.gridPoint() + "-seed" + cell.seed())
        .replaceAll("[^A-Za-z0-9.-]", "_").toLowerCase(Locale.ROOT);
    return results.resolve(CELLS).resolve(readable + "-" + Sha256.ofText(cell.key()).substring(0, 12));
  }

  /**
   * Writes and seals a cell's result, replacing an unsealed one of an earlier, killed run.
   *
   * @throws DataNotVisibleOnWorker if the results directory, which the driver made, is not there: on a
   *     cluster, a directory on the driver's disk rather than on a filesystem every worker mounts
   */
  static void write(Path results, BenchmarkCell cell, BenchmarkResult row) {
    if (!Files.isDirectory(results)) {
      throw new DataNotVisibleOnWorker("the results directory", results.toString());
    }
    Path directory = directory(results, cell);
    ParquetRows.writeAtomically(directory.resolve(FILE), List.of(row), BenchmarkResult.getClassSchema());
    SealedFiles.seal(directory, PREFIX);
  }

  /** Whether the cell's result is written and sealed (a retried work item need not train it again). */
  static boolean isSealed(Path results, BenchmarkCell cell) {
    return Files.exists(directory(results, cell).resolve(SealedFiles.SEAL));
  }

  /** The sealed result of a cell that {@link #isSealed} says is there, verified. */
  static BenchmarkResult read(Path results, BenchmarkCell cell) {
    return readSealed(directory(results, cell)).get(0);
  }

  /**
   * The results of the finished cells under {@code results}, by cell directory, each verified against its seal;
   * unsealed cells are left out (they are trained again).
   *
   * @throws IllegalArgumentException naming the file, for a result that is changed, missing or unlisted
   */
  public static Map<Path, BenchmarkResult> finished(Path results) {
    Path cells = results.resolve(CELLS);
    Map<Path, BenchmarkResult> finished = new LinkedHashMap<>();
    if (!Files.isDirectory(cells)) {
      return finished;
    }
    try (Stream<Path> listing = Files.list(cells)) {
      for (Path directory : listing.filter(Files::isDirectory).sorted().toList()) {
        if (Files.exists(directory.resolve(SealedFiles.SEAL))) {
          List<BenchmarkResult> rows = readSealed(directory);
          if (rows.size() != 1) {
            throw new IllegalArgumentException(directory + " holds " + rows.size() + " results instead of one cell's;"
                + " delete " + directory + " to train the cell again");
          }
          finished.put(directory, rows.get(0));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + cells, e);
    }
    return finished;
  }

  private static List<BenchmarkResult> readSealed(Path directory) {
    List<Path> files = SealedFiles.verified(directory, PREFIX, ROWS);
    if (files.isEmpty()) {
      throw new IllegalArgumentException(directory + " is sealed but holds no result; delete " + directory
          + " to train the cell again");
    }
    return files.stream().flatMap(file -> ParquetRows.read(file, BenchmarkResult.class, ROWS).stream()).toList();
  }
}
