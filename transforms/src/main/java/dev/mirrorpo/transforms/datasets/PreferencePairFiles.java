package dev.mirrorpo.transforms.datasets;

import dev.mirrorpo.schemas.PreferencePair;
import dev.mirrorpo.schemas.SchemaVersions;
import dev.mirrorpo.transforms.io.ListedFiles;
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

  /** A dataset whose files were checked against its manifest, and those files in the manifest's order. */
  public record Verified(DatasetManifest manifest, List<Path> files) {}

  /**
   * The dataset in {@code dataset}, exactly as its manifest vouches for it: every file it lists is there
   * with its size and SHA-256, and data/ holds no other Parquet file of pairs. Training and inspection
   * read these files and nothing else, so a file copied in beside the dataset (or left by another run)
   * can never change what is trained on.
   *
   * @throws IllegalArgumentException one message naming the directory or file and what to do, if the
   *     directory holds no dataset, the dataset is incomplete, or a file is missing, changed or unlisted
   */
  public static Verified verified(Path dataset) {
    Path manifestFile = dataset.resolve(DatasetManifest.FILE_NAME);
    if (!Files.isDirectory(dataset)) {
      throw new IllegalArgumentException("no dataset directory " + dataset);
    }
    if (!Files.exists(manifestFile) && !Files.exists(dataset.resolve(DATA_DIRECTORY))) {
      throw new IllegalArgumentException(dataset + " holds no dataset (no " + DatasetManifest.FILE_NAME + ", no "
          + DATA_DIRECTORY + "/)");
    }
    if (!Files.exists(manifestFile)) {
      throw new IllegalArgumentException("dataset " + dataset + " is incomplete: it has no "
          + DatasetManifest.FILE_NAME + " (the generation was interrupted or is still running); rerun"
          + " 'mirrorpo dataset generate' with --overwrite");
    }
    DatasetManifest manifest = DatasetManifest.read(manifestFile);
    List<ListedFiles.Entry> entries = manifest.files().stream()
        .map(f -> new ListedFiles.Entry(f.name(), f.bytes(), f.sha256())).toList();
    List<Path> files = ListedFiles.verify(dataset, entries, written(dataset), "dataset " + dataset, "the manifest",
        "regenerate the dataset");
    return new Verified(manifest, files);
  }

  /**
   * The Parquet files of pairs under data/ of {@code dataset}, in name order, whether or not a manifest
   * lists them: what a generation wrote, before it describes them in the manifest.
   */
  public static List<Path> written(Path dataset) {
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
