package dev.mirrorpo.transforms.datasets;

import dev.mirrorpo.schemas.PreferencePair;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.transforms.Contextful;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;

/**
 * Writes preference pairs as Parquet files (parquet-avro, schema PreferencePair.avsc) named
 * pairs-SSSSS-of-NNNNN.parquet into a directory. The runner decides the number of files (about one
 * per chunk of work); fixing it would make every runner hold the whole dataset for a shuffle.
 */
public final class WritePreferencePairs extends PTransform<PCollection<PreferencePair>, WriteFilesResult<Void>> {
  public static final String FILE_PREFIX = "pairs";
  public static final String FILE_SUFFIX = ".parquet";

  private final String directory;

  private WritePreferencePairs(String directory) {
    this.directory = directory;
  }

  public static WritePreferencePairs to(String directory) {
    return new WritePreferencePairs(directory);
  }

  @Override
  public WriteFilesResult<Void> expand(PCollection<PreferencePair> rows) {
    return rows.apply("WriteParquet", FileIO.<PreferencePair>write()
        .via(Contextful.fn(WritePreferencePairs::asGenericRecord), ParquetIO.sink(PreferencePair.getClassSchema()))
        .to(directory)
        .withPrefix(FILE_PREFIX)
        .withSuffix(FILE_SUFFIX));
  }

  /** A generated row is already the record parquet-avro writes. */
  private static GenericRecord asGenericRecord(PreferencePair row) {
    return row;
  }
}
