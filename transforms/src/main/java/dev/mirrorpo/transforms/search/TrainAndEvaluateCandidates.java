package dev.mirrorpo.transforms.search;

import dev.mirrorpo.learning.es.Candidate;
import dev.mirrorpo.learning.es.EsState;
import dev.mirrorpo.learning.es.OpenAiEs;
import dev.mirrorpo.learning.mpo.MpoConfig;
import dev.mirrorpo.learning.mpo.MpoObjective;
import dev.mirrorpo.schemas.CandidateFitness;
import dev.mirrorpo.transforms.training.CellSettings;
import dev.mirrorpo.transforms.training.TrainAndEvaluate;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * One ES generation (DESIGN §9): candidates (pair index, sign) → Reshuffle → each worker regenerates
 * the candidate's parameters ζ ± σε from the search state (ε is never shipped), trains a policy offline
 * with the MPO objective they define, evaluates it → one {@link CandidateFitness} per candidate. A
 * candidate whose training diverges yields status DIVERGED and NaN fitness; the generation goes on.
 */
public final class TrainAndEvaluateCandidates extends PTransform<PBegin, PCollection<CandidateFitness>> {
  /** Counter of finished candidates, for progress displays. */
  public static final String CANDIDATES_COUNTER = "candidates";

  private final String stateJson;
  private final MpoConfig mpo;
  private final CellSettings settings;
  private final String datasetPath;
  private final long trainingSeed;

  private TrainAndEvaluateCandidates(String stateJson, MpoConfig mpo, CellSettings settings, String datasetPath,
      long trainingSeed) {
    this.stateJson = stateJson;
    this.mpo = mpo;
    this.settings = settings;
    this.datasetPath = datasetPath;
    this.trainingSeed = trainingSeed;
  }

  /**
   * @param state the search state whose generation's candidates to train
   * @param trainingSeed the inner training's seed, the same for every candidate of the generation (common
   *     random numbers: candidates differ only in their objective)
   */
  public static TrainAndEvaluateCandidates of(EsState state, MpoConfig mpo, CellSettings settings, String datasetPath,
      long trainingSeed) {
    return new TrainAndEvaluateCandidates(state.toJson(), mpo, settings, datasetPath, trainingSeed);
  }

  @Override
  public PCollection<CandidateFitness> expand(PBegin begin) {
    EsState state = EsState.parse(stateJson, "the search state");
    List<KV<Integer, Integer>> candidates = new ArrayList<>();
    for (int pair = 0; pair < state.config().pairs(); pair++) {
      candidates.add(KV.of(pair, 1));
      candidates.add(KV.of(pair, -1));
    }
    return begin
        .apply("Candidates", Create.of(candidates).withCoder(KvCoder.of(VarIntCoder.of(), VarIntCoder.of())))
        .apply("SpreadCandidatesOverWorkers", Reshuffle.viaRandomKey())
        .apply("TrainAndEvaluate", ParDo.of(new TrainAndEvaluateFn(stateJson, mpo, settings, datasetPath,
            trainingSeed)))
        .setCoder(AvroCoder.specific(CandidateFitness.class));
  }

  static final class TrainAndEvaluateFn extends DoFn<KV<Integer, Integer>, CandidateFitness> {
    private final Counter candidatesDone = Metrics.counter(TrainAndEvaluateCandidates.class, CANDIDATES_COUNTER);
    private final String stateJson;
    private final MpoConfig mpo;
    private final CellSettings settings;
    private final String datasetPath;
    private final long trainingSeed;
    private transient EsState state;
    private transient OpenAiEs es;

    TrainAndEvaluateFn(String stateJson, MpoConfig mpo, CellSettings settings, String datasetPath, long trainingSeed) {
      this.stateJson = stateJson;
      this.mpo = mpo;
      this.settings = settings;
      this.datasetPath = datasetPath;
      this.trainingSeed = trainingSeed;
    }

    @Setup
    public void setup() {
      state = EsState.parse(stateJson, "the search state");
      es = new OpenAiEs(state.config());
    }

    @ProcessElement
    public void processElement(@Element KV<Integer, Integer> candidate, OutputReceiver<CandidateFitness> out) {
      out.output(run(es.candidate(state, candidate.getKey(), candidate.getValue()), state.generation(), mpo, settings,
          datasetPath, trainingSeed));
      candidatesDone.inc();
    }
  }

  /** Trains and evaluates one candidate; the pure core of the DoFn. */
  static CandidateFitness run(Candidate candidate, int generation, MpoConfig mpo, CellSettings settings,
      String datasetPath, long trainingSeed) {
    TrainAndEvaluate.Outcome outcome = TrainAndEvaluate.run(settings, datasetPath,
        MpoObjective.create(mpo, candidate.parameters()), trainingSeed);
    return CandidateFitness.newBuilder()
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
        .build();
  }
}
