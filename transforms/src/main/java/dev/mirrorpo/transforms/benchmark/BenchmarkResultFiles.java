package dev.mirrorpo.transforms.benchmark;

import dev.mirrorpo.schemas.BenchmarkResult;
import dev.mirrorpo.schemas.SchemaVersions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificData;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/** Reads the Parquet files of benchmark results. */
public final class BenchmarkResultFiles {
  private BenchmarkResultFiles() {}

  /**
   * Every row of {@code file}.
   *
   * @throws IllegalArgumentException naming the file if it is not readable Parquet of benchmark results
   *     of a schema version this build knows
   */
  public static List<BenchmarkResult> read(Path file) {
    List<BenchmarkResult> rows = new ArrayList<>();
    try (ParquetReader<BenchmarkResult> reader = AvroParquetReader
        .<BenchmarkResult>builder(HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()),
            new Configuration()))
        .withDataModel(SpecificData.get())
        .build()) {
      for (BenchmarkResult row = reader.read(); row != null; row = reader.read()) {
        if (row.getSchemaVersion() != SchemaVersions.BENCHMARK_RESULT) {
          throw new IllegalArgumentException("Parquet file " + file + " holds benchmark results of schema version "
              + row.getSchemaVersion() + "; this build reads version " + SchemaVersions.BENCHMARK_RESULT);
        }
        rows.add(row);
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException mine && mine.getMessage().startsWith("Parquet file")) {
        throw mine;
      }
      throw new IllegalArgumentException("Parquet file " + file + " cannot be read as benchmark results ("
          + e.getMessage() + "): it is truncated or corrupt; rerun the benchmark for its dataset", e);
    }
    return rows;
  }
}
