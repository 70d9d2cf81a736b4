package dev.mirrorpo.transforms.benchmark;

import dev.mirrorpo.schemas.BenchmarkResult;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.transforms.Contextful;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;

/**
 * Writes benchmark results as one Parquet file (parquet-avro, schema BenchmarkResult.avsc),
 * results-00000-of-00001.parquet, into a directory: a row per cell is small, one file is simplest to
 * read with pyarrow or DuckDB.
 */
public final class WriteBenchmarkResults extends PTransform<PCollection<BenchmarkResult>, WriteFilesResult<Void>> {
  public static final String FILE_PREFIX = "results";
  public static final String FILE_SUFFIX = ".parquet";

  private final String directory;

  private WriteBenchmarkResults(String directory) {
    this.directory = directory;
  }

  public static WriteBenchmarkResults to(String directory) {
    return new WriteBenchmarkResults(directory);
  }

  @Override
  public WriteFilesResult<Void> expand(PCollection<BenchmarkResult> rows) {
    return rows.apply("WriteParquet", FileIO.<BenchmarkResult>write()
        .via(Contextful.fn(WriteBenchmarkResults::asGenericRecord), ParquetIO.sink(BenchmarkResult.getClassSchema()))
        .to(directory)
        .withPrefix(FILE_PREFIX)
        .withSuffix(FILE_SUFFIX)
        .withNumShards(1));
  }

  private static GenericRecord asGenericRecord(BenchmarkResult row) {
    return row;
  }
}
