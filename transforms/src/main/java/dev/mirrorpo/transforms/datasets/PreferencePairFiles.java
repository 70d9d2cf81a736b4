package dev.mirrorpo.transforms.datasets;

import dev.mirrorpo.schemas.PreferencePair;
import dev.mirrorpo.schemas.SchemaVersions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificData;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/** Reads the Parquet files of a preference dataset into the generated row class. */
public final class PreferencePairFiles {
  /** Where a dataset directory keeps its Parquet files. */
  public static final String DATA_DIRECTORY = "data";

  private PreferencePairFiles() {}

  /**
   * Passes every row of {@code file} to {@code consumer}, in file order.
   *
   * @return the number of rows
   * @throws IllegalArgumentException naming the file if it is not a readable Parquet file of
   *     preference pairs of a schema version this build knows
   */
  public static long forEachRow(Path file, Consumer<PreferencePair> consumer) {
    long rows = 0;
    try (ParquetReader<PreferencePair> reader = open(file)) {
      for (PreferencePair row = next(reader, file); row != null; row = next(reader, file)) {
        if (row.getSchemaVersion() != SchemaVersions.PREFERENCE_PAIR) {
          throw new IllegalArgumentException("Parquet file " + file + " holds rows of schema version "
              + row.getSchemaVersion() + "; this build reads version " + SchemaVersions.PREFERENCE_PAIR);
        }
        consumer.accept(row);
        rows++;
      }
    } catch (IOException e) {
      throw unreadable(file, e);
    }
    return rows;
  }

  /** The finished Parquet files of the dataset in directory {@code dataset} (under data/), in name order. */
  public static List<Path> inDataset(Path dataset) {
    Path data = dataset.resolve(DATA_DIRECTORY);
    if (!Files.isDirectory(data)) {
      return List.of();
    }
    try (Stream<Path> listing = Files.list(data)) {
      return listing.filter(p -> p.getFileName().toString().startsWith(WritePreferencePairs.FILE_PREFIX)
              && p.getFileName().toString().endsWith(WritePreferencePairs.FILE_SUFFIX))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot list " + data + ": " + e.getMessage(), e);
    }
  }

  /** Every row of {@code file}. */
  public static List<PreferencePair> readAll(Path file) {
    List<PreferencePair> rows = new ArrayList<>();
    forEachRow(file, rows::add);
    return rows;
  }

  private static ParquetReader<PreferencePair> open(Path file) {
    try {
      return AvroParquetReader
          .<PreferencePair>builder(inputFile(file))
          .withDataModel(SpecificData.get())
          .build();
    } catch (IOException | RuntimeException e) {
      throw unreadable(file, e);
    }
  }

  private static HadoopInputFile inputFile(Path file) throws IOException {
    return HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration());
  }

  private static PreferencePair next(ParquetReader<PreferencePair> reader, Path file) {
    try {
      return reader.read();
    } catch (IOException | RuntimeException e) {
      throw unreadable(file, e);
    }
  }

  private static IllegalArgumentException unreadable(Path file, Exception cause) {
    return new IllegalArgumentException("Parquet file " + file + " cannot be read as preference pairs ("
        + cause.getMessage() + "): it is truncated or corrupt; regenerate the dataset", cause);
  }
}
