package dev.mirrorpo.transforms.io;

import dev.mirrorpo.learning.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
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
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * Reads small Parquet files of generated Avro rows (benchmark results, candidate fitness) back, checking
 * the schema_version field every row schema carries against the version this build knows, and writes a few
 * such rows as one file atomically, outside a pipeline (a benchmark cell's result, written by its worker).
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

  /**
   * Writes {@code rows} as one Parquet file, whole or not at all: encoded in memory (a few rows), then
   * {@link AtomicFiles}, so a reader never sees a truncated file and Hadoop's local file system leaves no .crc
   * files beside it.
   */
  public static <T extends SpecificRecord> void writeAtomically(Path file, List<T> rows, Schema schema) {
    InMemory bytes = new InMemory();
    try (ParquetWriter<T> writer = AvroParquetWriter.<T>builder(bytes).withSchema(schema)
        .withDataModel(SpecificData.get()).build()) {
      for (T row : rows) {
        writer.write(row);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + file + " as Parquet: " + e.getMessage(), e);
    }
    AtomicFiles.writeBytes(file, bytes.buffer.toByteArray());
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

  /** A Parquet output file in memory. */
  private static final class InMemory implements OutputFile {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    @Override
    public PositionOutputStream create(long blockSizeHint) {
      return createOrOverwrite(blockSizeHint);
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
      buffer.reset();
      return new PositionOutputStream() {
        @Override
        public long getPos() {
          return buffer.size();
        }

        @Override
        public void write(int b) {
          buffer.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          buffer.write(b, off, len);
        }
      };
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }
  }

  private static final class SchemaVersionException extends IllegalArgumentException {
    SchemaVersionException(String message) {
      super(message);
    }
  }
}
