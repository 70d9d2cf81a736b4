package dev.mirrorpo.transforms.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * Reads small Parquet files of generated Avro rows (benchmark results, candidate fitness) back, checking
 * the schema_version field every row schema carries against the version this build knows.
 */
public final class ParquetRows {
  private ParquetRows() {}

  /**
   * Every row of {@code file}.
   *
   * @param what what the rows are, for messages ("benchmark results")
   * @throws IllegalArgumentException naming the file if it is unreadable or of another schema version
   */
  public static <T extends SpecificRecord> List<T> read(Path file, Class<T> type, String what) {
    Schema schema = SpecificData.get().getSchema(type);
    int known = ((Number) schema.getField("schema_version").defaultVal()).intValue();
    int versionField = schema.getField("schema_version").pos();
    List<T> rows = new ArrayList<>();
    try (ParquetReader<T> reader = AvroParquetReader
        .<T>builder(HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))
        .withDataModel(SpecificData.get())
        .build()) {
      for (T row = reader.read(); row != null; row = reader.read()) {
        int version = ((Number) row.get(versionField)).intValue();
        if (version != known) {
          throw new SchemaVersionException("Parquet file " + file + " holds " + what + " of schema version " + version
              + "; this build reads version " + known);
        }
        rows.add(row);
      }
    } catch (SchemaVersionException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("Parquet file " + file + " cannot be read as " + what + " ("
          + e.getMessage() + "): it is truncated or corrupt", e);
    }
    return rows;
  }

  /** The files of {@code directory} named PREFIX*.parquet, in name order (none if it does not exist). */
  public static List<Path> files(Path directory, String prefix) {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> listing = Files.list(directory)) {
      return listing.filter(p -> p.getFileName().toString().startsWith(prefix)
          && p.getFileName().toString().endsWith(WriteSingleParquetFile.SUFFIX)).sorted().toList();
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + directory + ": " + e.getMessage(), e);
    }
  }

  private static final class SchemaVersionException extends IllegalArgumentException {
    SchemaVersionException(String message) {
      super(message);
    }
  }
}
