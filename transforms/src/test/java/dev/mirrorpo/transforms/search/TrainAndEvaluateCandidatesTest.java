package dev.mirrorpo.transforms.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.learning.es.EsConfig;
import dev.mirrorpo.learning.es.EsState;
import dev.mirrorpo.learning.es.OpenAiEs;
import dev.mirrorpo.learning.mpo.MpoConfig;
import dev.mirrorpo.learning.mpo.MpoLayout;
import dev.mirrorpo.learning.training.TrainerConfig;
import dev.mirrorpo.learning.training.TrainingResult;
import dev.mirrorpo.schemas.CandidateFitness;
import dev.mirrorpo.transforms.MixedGeneration;
import dev.mirrorpo.transforms.TinyDatasets;
import dev.mirrorpo.transforms.training.CellSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One ES generation as a Beam transform, on a tiny real Hopper dataset: the fitness rows it yields. */
class TrainAndEvaluateCandidatesTest {
  private static final MpoConfig MPO = MpoConfig.oneStep(true, true, false);
  private static final CellSettings SETTINGS = new CellSettings(new TrainerConfig(2, 1, 2, 1e-3, 1.3, 0.1), null,
      "hopper", 3, 5, 40);
  private static final long TRAINING_SEED = 17;
  @TempDir static Path work;
  private static String dataset;

  @BeforeAll
  static void makeDataset() {
    dataset = TinyDatasets.write(work.resolve("dataset"), TinyDatasets.hopperSpec(work, 8, 30, 4)).toString();
  }

  private static Pipeline pipeline() {
    return Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner", "--targetParallelism=2").create());
  }

  /** A candidate as "pair sign: status fitness policy digest", the same for the same training. */
  private static PCollection<String> described(PCollection<CandidateFitness> rows, String name) {
    return rows.apply(name, MapElements.into(TypeDescriptors.strings()).via(row -> row.getPairIndex() + " "
        + row.getSign() + ": " + row.getStatus() + " " + row.getFitness() + " " + row.getPolicySha256()));
  }

  /**
   * A generation of four candidates in batches of three (a full batch and a ragged one) yields every candidate
   * of the ES's order once, trained and evaluated; trained a second time, in the same pipeline and on the same
   * worker threads, it yields the same rows bit for bit (fitness and trained policy): the rows depend on the
   * search state, the dataset and the seeds only.
   */
  @Test
  void everyCandidateOfTheGenerationYieldsOneRowAndTrainingItAgainYieldsTheSameRows() {
    EsConfig config = new EsConfig(2, 0.05, 1, 0, 0.02, EsConfig.paper().shaping(), 0, 11);
    EsState state = new OpenAiEs(config).initialize(MpoLayout.initial(MPO));
    Pipeline pipeline = pipeline();
    PCollection<CandidateFitness> first = pipeline.apply("TrainOnce",
        TrainAndEvaluateCandidates.of(state, MPO, SETTINGS, dataset, TRAINING_SEED, 3));
    PCollection<CandidateFitness> again = pipeline.apply("TrainAgain",
        TrainAndEvaluateCandidates.of(state, MPO, SETTINGS, dataset, TRAINING_SEED, 3));

    PAssert.that(first).satisfies(rows -> {
      Set<String> candidates = new HashSet<>();
      for (CandidateFitness row : rows) {
        assertEquals(0, row.getGeneration());
        assertEquals(TrainingResult.Status.COMPLETED.name(), row.getStatus().toString(), row.getMessage().toString());
        assertTrue(Double.isFinite(row.getFitness()) && Double.isFinite(row.getStandardError()), row.toString());
        assertTrue(row.getSteps() > 0, row.toString());
        candidates.add(row.getPairIndex() + " " + row.getSign());
      }
      assertEquals(Set.of("0 1", "0 -1", "1 1", "1 -1"), candidates, "each candidate of the generation once");
      return null;
    });
    PCollection<KV<String, Long>> counted = PCollectionList.of(described(first, "DescribeFirst"))
        .and(described(again, "DescribeAgain"))
        .apply(Flatten.pCollections())
        .apply(Count.perElement());
    PAssert.that(counted).satisfies(counts -> {
      Map<String, Long> byCandidate = new HashMap<>();
      counts.forEach(count -> byCandidate.put(count.getKey(), count.getValue()));
      assertEquals(4, byCandidate.size(), "both trainings describe the same four candidates: " + byCandidate);
      byCandidate.forEach((candidate, times) -> assertEquals(2L, times, candidate));
      return null;
    });
    pipeline.run().waitUntilFinish();
  }

  /**
   * A candidate whose loss overflows is reported, not thrown: its row says DIVERGED with NaN fitness, and the
   * candidate trained with it in one batch still gets its fitness.
   */
  @Test
  void aCandidateWhoseTrainingDivergesGetsNoFitnessWhileItsBatchMateTrainsOn() {
    EsState state = MixedGeneration.state(MPO, 5);
    Pipeline pipeline = pipeline();
    PCollection<CandidateFitness> rows = pipeline.apply(
        TrainAndEvaluateCandidates.of(state, MPO, SETTINGS, dataset, TRAINING_SEED, 4));
    PAssert.that(rows).satisfies(generation -> {
      Map<Integer, CandidateFitness> bySign = new HashMap<>();
      generation.forEach(row -> bySign.put(row.getSign(), row));
      assertEquals(Set.of(1, -1), bySign.keySet());
      CandidateFitness diverged = bySign.get(1);
      assertEquals(TrainingResult.Status.DIVERGED.name(), diverged.getStatus().toString(), diverged.toString());
      assertTrue(Double.isNaN(diverged.getFitness()) && Double.isNaN(diverged.getStandardError()),
          diverged.toString());
      assertFalse(diverged.getMessage().toString().isEmpty(), "the row says what diverged");
      CandidateFitness trained = bySign.get(-1);
      assertEquals(TrainingResult.Status.COMPLETED.name(), trained.getStatus().toString(),
          trained.getMessage().toString());
      assertTrue(Double.isFinite(trained.getFitness()), trained.toString());
      return null;
    });
    pipeline.run().waitUntilFinish();
  }
}
