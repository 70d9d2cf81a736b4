package dev.mirrorpo.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The data stack of docs/design.md §3 works together on Java 17: a Beam pipeline writes Parquet through
 * ParquetIO (parquet-avro on Hadoop's client jars) on the DirectRunner and on the FlinkRunner's
 * embedded cluster, and the files read back with plain parquet-avro hold exactly what was written.
 */
class BeamStackTest {
  private static final Schema SQUARE = SchemaBuilder.record("Square").namespace("dev.mirrorpo.test")
      .fields().requiredLong("n").requiredDouble("square").endRecord();

  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner", "FlinkRunner"})
  void pipelineWritesParquetThatReadsBack(String runner, @TempDir Path dir) throws IOException {
    List<String> args = runner.equals("FlinkRunner")
        ? List.of("--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=2")
        : List.of("--runner=DirectRunner", "--targetParallelism=2");
    PipelineOptions options = PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).create();
    Pipeline pipeline = Pipeline.create(options);
    String schemaJson = SQUARE.toString();
    pipeline
        .apply("Numbers", Create.of(LongStream.range(0, 200).boxed().toList()))
        .apply("Square", MapElements.into(TypeDescriptor.of(GenericRecord.class)).via((Long n) -> {
          GenericRecord record = new GenericData.Record(new Schema.Parser().parse(schemaJson));
          record.put("n", n);
          record.put("square", (double) n * n);
          return record;
        }))
        .setCoder(AvroCoder.of(GenericRecord.class, SQUARE))
        .apply("WriteParquet", FileIO.<GenericRecord>write().via(ParquetIO.sink(SQUARE)).to(dir.toString())
            .withSuffix(".parquet"));
    pipeline.run().waitUntilFinish();

    Map<Long, Double> read = new TreeMap<>();
    List<Path> files;
    try (Stream<Path> listing = Files.list(dir)) {
      files = listing.filter(p -> p.toString().endsWith(".parquet")).collect(Collectors.toList());
    }
    for (Path file : files) {
      try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(
          HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration())).build()) {
        for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
          read.put((Long) r.get("n"), (Double) r.get("square"));
        }
      }
    }
    assertEquals(200, read.size());
    read.forEach((n, square) -> assertEquals((double) n * n, square));
  }
}
