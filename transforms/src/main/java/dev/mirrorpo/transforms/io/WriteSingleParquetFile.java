package dev.mirrorpo.transforms.io;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.transforms.Contextful;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;

/**
 * Writes generated Avro rows as one Parquet file (parquet-avro), PREFIX-00000-of-00001.parquet, into a
 * directory: for small outputs (a row per benchmark cell or ES candidate), which one file keeps easy to
 * read with pyarrow or DuckDB. FileIO writes it under a temporary name and renames it when done.
 */
public final class WriteSingleParquetFile<T extends GenericRecord>
    extends PTransform<PCollection<T>, WriteFilesResult<Void>> {
  public static final String SUFFIX = ".parquet";

  private final String directory;
  private final String prefix;
  private final String schemaJson;

  private WriteSingleParquetFile(String directory, String prefix, Schema schema) {
    this.directory = directory;
    this.prefix = prefix;
    this.schemaJson = schema.toString();
  }

  public static <T extends GenericRecord> WriteSingleParquetFile<T> to(String directory, String prefix, Schema schema) {
    return new WriteSingleParquetFile<>(directory, prefix, schema);
  }

  @Override
  public WriteFilesResult<Void> expand(PCollection<T> rows) {
    return rows.apply("WriteParquet", FileIO.<T>write()
        .via(Contextful.fn(WriteSingleParquetFile::asGenericRecord),
            ParquetIO.sink(new Schema.Parser().parse(schemaJson)))
        .to(directory)
        .withPrefix(prefix)
        .withSuffix(SUFFIX)
        .withNumShards(1));
  }

  private static GenericRecord asGenericRecord(GenericRecord row) {
    return row;
  }
}
