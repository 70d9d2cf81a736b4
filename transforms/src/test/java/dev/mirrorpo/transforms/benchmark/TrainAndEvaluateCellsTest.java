package dev.mirrorpo.transforms.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.learning.io.FloatCodec;
import dev.mirrorpo.learning.mpo.MpoConfig;
import dev.mirrorpo.learning.mpo.MpoLayout;
import dev.mirrorpo.learning.training.TrainerConfig;
import dev.mirrorpo.learning.training.TrainingResult;
import dev.mirrorpo.schemas.BenchmarkResult;
import dev.mirrorpo.transforms.TinyDatasets;
import dev.mirrorpo.transforms.training.CellSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Benchmark cells as a Beam transform, on a tiny real Hopper dataset: the result rows it yields. */
class TrainAndEvaluateCellsTest {
  private static final int EPOCHS = 2;
  private static final int EPISODES = 3;
  private static final long EVALUATION_SEED = 5;
  private static final CellSettings SETTINGS = new CellSettings(new TrainerConfig(EPOCHS, 1, 2, 1e-3, 1.3, 0.1), null,
      "hopper", EPISODES, EVALUATION_SEED, 40);

  /** A one-step MPO objective whose ζ makes every loss overflow (finite, but 1e30 everywhere). */
  private static DiscoveredObjective overflowing() {
    MpoConfig mpo = MpoConfig.oneStep(true, true, false);
    float[] zeta = new float[MpoLayout.size(mpo)];
    Arrays.fill(zeta, 1e30f);
    return new DiscoveredObjective("mpo:overflowing", "/nowhere/overflowing.best.json", "ab12", mpo,
        FloatCodec.encode(zeta), FloatCodec.checksum(zeta), "hopper");
  }

  /**
   * One row per cell, keyed like the cell, carrying what the cell asked for and the evaluation it got: the
   * objective's defaults filled in, the seed deciding the trained policy, and a diverging objective reported
   * as DIVERGED with no return instead of failing the pipeline.
   */
  @Test
  void eachCellYieldsOneResultWithItsKeyItsTrainingAndItsEvaluation(@TempDir Path work) throws IOException {
    String dataset = TinyDatasets.write(work.resolve("dataset"), TinyDatasets.hopperSpec(work, 8, 30, 4)).toString();
    List<BenchmarkCell> cells = List.of(
        BenchmarkCell.known("base", dataset, "d1", "sft", 0, Map.of(), 1),
        BenchmarkCell.known("base", dataset, "d1", "orpo", 1, Map.of("lambda", 0.2), 1),
        BenchmarkCell.known("base", dataset, "d1", "orpo", 1, Map.of("lambda", 0.2), 2),
        BenchmarkCell.discovered("base", dataset, "d1", overflowing(), 1));
    Pipeline pipeline = Pipeline.create(
        PipelineOptionsFactory.fromArgs("--runner=DirectRunner", "--targetParallelism=2").create());
    Path resultsDirectory = Files.createDirectories(work.resolve("results"));
    PCollection<BenchmarkResult> results = pipeline.apply(TrainAndEvaluateCells.of(cells, SETTINGS, resultsDirectory));

    Set<String> keys = Set.of(cells.get(0).key(), cells.get(1).key(), cells.get(2).key(), cells.get(3).key());
    PAssert.that(results).satisfies(rows -> {
      Map<String, BenchmarkResult> byKey = new HashMap<>();
      rows.forEach(row -> assertNull(byKey.put(BenchmarkCell.key(row), row), "one result per cell"));
      assertEquals(keys, byKey.keySet());
      for (BenchmarkResult row : byKey.values()) {
        assertEquals("hopper", row.getTask().toString());
        assertEquals("base", row.getDataset().toString());
        assertEquals("d1", row.getDatasetSha256().toString());
        assertEquals(EPISODES, row.getEpisodes());
        assertEquals(EVALUATION_SEED, row.getEvaluationSeed());
      }
      BenchmarkResult sft = byKey.get(cells.get(0).key());
      BenchmarkResult orpo = byKey.get(cells.get(1).key());
      BenchmarkResult orpoSeed2 = byKey.get(cells.get(2).key());
      for (BenchmarkResult trained : List.of(sft, orpo, orpoSeed2)) {
        assertEquals(TrainingResult.Status.COMPLETED.name(), trained.getStatus().toString(),
            trained.getMessage().toString());
        assertTrue(Double.isFinite(trained.getMeanReturn()) && trained.getStandardError() >= 0, trained.toString());
        assertEquals(EPOCHS, trained.getEpochLosses().size(), "one loss per epoch");
        assertNull(trained.getObjectiveSha256(), "a known objective has no file");
      }
      assertEquals(Map.of("lambda", 0.2), Map.copyOf(orpo.getHyperParameters()));
      assertNotEquals(orpo.getPolicySha256(), orpoSeed2.getPolicySha256(), "the seed decides the policy");

      BenchmarkResult diverged = byKey.get(cells.get(3).key());
      assertEquals(TrainingResult.Status.DIVERGED.name(), diverged.getStatus().toString(), diverged.toString());
      assertTrue(Double.isNaN(diverged.getMeanReturn()), diverged.toString());
      assertEquals("mpo:overflowing", diverged.getAlgorithm().toString());
      assertEquals("ab12", diverged.getObjectiveSha256().toString());
      return null;
    });
    pipeline.run().waitUntilFinish();

    // Each worker wrote and sealed its cell's result as it finished it: the same rows, read back from Parquet.
    Map<String, BenchmarkResult> written = new HashMap<>();
    CellResults.finished(resultsDirectory).values().forEach(row -> written.put(BenchmarkCell.key(row), row));
    assertEquals(keys, written.keySet());
    for (BenchmarkCell cell : cells) {
      assertEquals(CellResults.directory(resultsDirectory, cell).getParent(), resultsDirectory.resolve(CellResults.CELLS));
      assertTrue(CellResults.isSealed(resultsDirectory, cell), cell.key());
    }
  }
}
