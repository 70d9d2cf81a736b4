package dev.mirrorpo.transforms.search;

import dev.mirrorpo.learning.es.Candidate;
import dev.mirrorpo.learning.es.EsState;
import dev.mirrorpo.learning.es.OpenAiEs;
import dev.mirrorpo.learning.mpo.MpoConfig;
import dev.mirrorpo.learning.mpo.MpoObjective;
import dev.mirrorpo.learning.mpo.MpoPopulation;
import dev.mirrorpo.schemas.CandidateFitness;
import dev.mirrorpo.transforms.training.CellSettings;
import dev.mirrorpo.transforms.training.TrainAndEvaluate;
import dev.mirrorpo.transforms.work.WorkItems;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * One ES generation (docs/design.md §10): batches of candidates, handed to the workers one at a time as they
 * become free ({@link WorkItems}) → each worker regenerates its batch's parameters ζ ± σε from the search
 * state (ε is never shipped), trains the batch's policies together as one batched program
 * ({@link TrainAndEvaluate#runPopulation}, each candidate with the MPO objective its ζ defines) and
 * evaluates them together, their episodes side by side → one {@link CandidateFitness} per candidate. A candidate whose training
 * diverges yields status DIVERGED and NaN fitness; the generation goes on.
 *
 * <p>Batch b holds candidates [b·B, (b + 1)·B) of {@link OpenAiEs#ask}'s order. A candidate trains and is
 * evaluated the same whatever its batch mates (PopulationTrainerTest, BatchedEvaluationTest), so B changes the
 * speed, not the fitness.
 */
public final class TrainAndEvaluateCandidates extends PTransform<PBegin, PCollection<CandidateFitness>> {
  /** Counter of finished candidates, for progress displays. */
  public static final String CANDIDATES_COUNTER = "candidates";

  private final Generation generation;

  /**
   * Everything a worker needs to train its batches, shipped with the work.
   *
   * @param stateJson the search state whose generation's candidates to train
   * @param trainingSeed the inner training's seed, the same for every candidate of the generation (common
   *     random numbers: candidates differ only in their objective)
   * @param batchSize B, the candidates a worker trains together as one batched program
   */
  private record Generation(String stateJson, MpoConfig mpo, CellSettings settings, String datasetPath,
      long trainingSeed, int batchSize) implements Serializable {}

  private TrainAndEvaluateCandidates(Generation generation) {
    this.generation = generation;
  }

  /**
   * @param state the search state whose generation's candidates to train
   * @param trainingSeed the inner training's seed, the same for every candidate of the generation
   * @param batchSize B, the candidates a worker trains together as one batched program
   */
  public static TrainAndEvaluateCandidates of(EsState state, MpoConfig mpo, CellSettings settings, String datasetPath,
      long trainingSeed, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("the candidates per batch must be at least 1, got " + batchSize);
    }
    return new TrainAndEvaluateCandidates(new Generation(state.toJson(), mpo, settings, datasetPath, trainingSeed,
        batchSize));
  }

  @Override
  public PCollection<CandidateFitness> expand(PBegin begin) {
    int candidates = EsState.parse(generation.stateJson(), "the search state").config().candidates();
    List<Integer> batches = new ArrayList<>();
    for (int batch = 0; batch * generation.batchSize() < candidates; batch++) {
      batches.add(batch);
    }
    return begin.apply("TrainAndEvaluateBatches", WorkItems.of(batches, new TrainAndEvaluateBatch(generation),
        AvroCoder.specific(CandidateFitness.class)));
  }

  /** Regenerates batch b's candidates from the search state and trains and evaluates them together. */
  static final class TrainAndEvaluateBatch implements WorkItems.Work<Integer, CandidateFitness> {
    private final Counter candidatesDone = Metrics.counter(TrainAndEvaluateCandidates.class, CANDIDATES_COUNTER);
    private final Generation generation;

    TrainAndEvaluateBatch(Generation generation) {
      this.generation = generation;
    }

    @Override
    public List<CandidateFitness> run(Integer batch) {
      EsState state = EsState.parse(generation.stateJson(), "the search state");
      OpenAiEs es = new OpenAiEs(state.config());
      int first = batch * generation.batchSize();
      int end = Math.min(state.config().candidates(), first + generation.batchSize());
      List<Candidate> candidates = new ArrayList<>();
      for (int index = first; index < end; index++) {
        candidates.add(es.candidate(state, index));
      }
      List<CandidateFitness> fitness = TrainAndEvaluateCandidates.run(candidates, state.generation(),
          generation.mpo(), generation.settings(), generation.datasetPath(), generation.trainingSeed());
      candidatesDone.inc(fitness.size());
      return fitness;
    }
  }

  /** Trains and evaluates a batch of candidates; the pure core of the work. */
  static List<CandidateFitness> run(List<Candidate> candidates, int generation, MpoConfig mpo, CellSettings settings,
      String datasetPath, long trainingSeed) {
    List<MpoObjective> objectives = new ArrayList<>();
    for (Candidate candidate : candidates) {
      objectives.add(MpoObjective.create(mpo, candidate.parameters()));
    }
    List<TrainAndEvaluate.Outcome> outcomes = TrainAndEvaluate.runPopulation(settings, datasetPath,
        MpoPopulation.of(objectives), trainingSeed);
    List<CandidateFitness> fitness = new ArrayList<>();
    for (int k = 0; k < candidates.size(); k++) {
      Candidate candidate = candidates.get(k);
      TrainAndEvaluate.Outcome outcome = outcomes.get(k);
      fitness.add(CandidateFitness.newBuilder()
          .setGeneration(generation)
          .setPairIndex(candidate.pairIndex())
          .setSign(candidate.sign())
          .setStatus(outcome.training().status().name())
          .setMessage(outcome.training().message())
          .setFitness(outcome.meanReturn())
          .setStandardError(outcome.standardError())
          .setSteps(outcome.training().steps())
          .setTrainSeconds(outcome.trainSeconds())
          .setEvaluateSeconds(outcome.evaluateSeconds())
          .setPolicySha256(outcome.policySha256())
          .build());
    }
    return fitness;
  }
}
