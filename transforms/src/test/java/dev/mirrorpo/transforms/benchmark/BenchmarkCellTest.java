package dev.mirrorpo.transforms.benchmark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.mirrorpo.learning.io.FloatCodec;
import dev.mirrorpo.learning.mpo.MpoConfig;
import dev.mirrorpo.learning.mpo.MpoLayout;
import dev.mirrorpo.learning.mpo.MpoObjective;
import dev.mirrorpo.schemas.BenchmarkResult;
import dev.mirrorpo.transforms.io.ParquetRows;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cell's key (resume and MLflow identity) and the objective it trains. */
class BenchmarkCellTest {
  private static final MpoConfig MPO = MpoConfig.oneStep(true, true, false);

  private static DiscoveredObjective discovered(String sha256, float[] zeta) {
    return new DiscoveredObjective("mpo:search", "/runs/search/best.json", sha256, MPO, FloatCodec.encode(zeta),
        FloatCodec.checksum(zeta), "hopper");
  }

  private static BenchmarkResult resultOf(BenchmarkCell cell) {
    return BenchmarkResult.newBuilder().setTask("hopper").setDataset(cell.dataset()).setDatasetPath(cell.datasetPath())
        .setDatasetSha256(cell.datasetSha256()).setAlgorithm(cell.algorithm()).setGridPoint(cell.gridPoint())
        .setHyperParameters(Map.of()).setSeed(cell.seed()).setStatus("COMPLETED").setMessage("").setSteps(1)
        .setEpochLosses(List.of()).setMeanReturn(1).setStandardError(1).setEpisodes(2).setEvaluationSeed(8)
        .setTrainSeconds(1).setEvaluateSeconds(1).setObjectiveSha256(cell.objectiveSha256()).build();
  }

  @Test
  void twoDiscoveredObjectivesUnderOneLabelHaveDifferentKeys() {
    float[] zeta = MpoLayout.initial(MPO);
    BenchmarkCell first = BenchmarkCell.discovered("noisy", "d", "s", discovered("a".repeat(64), zeta), 1);
    BenchmarkCell second = BenchmarkCell.discovered("noisy", "d", "s", discovered("b".repeat(64), zeta), 1);
    assertEquals(first.algorithm(), second.algorithm(), "the same row of the table");
    assertNotEquals(first.key(), second.key());
    assertEquals(first.key(), BenchmarkCell.key(resultOf(first)), "a result row has its cell's key");
    assertEquals(second.key(), BenchmarkCell.key(resultOf(second)));
  }

  @Test
  void aKnownObjectivesKeyIsTheOneEarlierBenchmarksRecorded() {
    BenchmarkCell cell = BenchmarkCell.known("base", "d", "s", "dpo", 1, Map.of("beta", 0.5), 2);
    assertEquals("dpo/1/base/2", cell.key(), "resumed benchmarks and their MLflow runs keep their identity");
    assertEquals(cell.key(), BenchmarkCell.key(resultOf(cell)));
    assertNull(cell.objectiveSha256());
  }

  @Test
  void aDiscoveredCellTrainsTheZetaItCarries() {
    float[] zeta = MpoLayout.initial(MPO);
    zeta[0] = 2; // ψ's skip coefficient: ψ = 2·log x instead of ORPO's log x
    MpoObjective objective = (MpoObjective) BenchmarkCell.discovered("noisy", "d", "s", discovered("a", zeta), 1)
        .objective();
    assertArrayEquals(zeta, objective.zeta());
    assertEquals(MPO, objective.config());
  }

  @Test
  void resultsWrittenBeforeDiscoveredObjectivesExistedReadAsKnownObjectives(@TempDir Path work) throws IOException {
    Schema current = BenchmarkResult.getClassSchema();
    Schema before = Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false,
        current.getFields().stream().filter(f -> !f.name().equals("objective_sha256"))
            .map(f -> new Schema.Field(f, f.schema())).toList());
    GenericRecord row = new GenericData.Record(before);
    BenchmarkResult known = resultOf(BenchmarkCell.known("base", "d", "s", "dpo", 1, Map.of(), 2));
    for (Schema.Field field : before.getFields()) {
      row.put(field.name(), known.get(field.name()));
    }
    Path file = work.resolve("results-00000-of-00001.parquet");
    try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(
        HadoopOutputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))
        .withSchema(before).build()) {
      writer.write(row);
    }
    BenchmarkResult read = ParquetRows.read(file, BenchmarkResult.class, "benchmark results").get(0);
    assertNull(read.getObjectiveSha256());
    assertEquals("dpo/1/base/2", BenchmarkCell.key(read));
  }
}
