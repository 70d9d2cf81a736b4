package dev.mirrorpo.bench;

import ai.djl.ndarray.NDScope;
import dev.mirrorpo.learning.mpo.MpoConfig;
import dev.mirrorpo.learning.mpo.MpoLayout;
import dev.mirrorpo.learning.mpo.MpoObjective;
import dev.mirrorpo.learning.mpo.MpoPopulation;
import dev.mirrorpo.learning.objectives.PairBatch;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.training.OfflineTrainer;
import dev.mirrorpo.learning.training.PairedTrajectories;
import dev.mirrorpo.learning.training.PopulationTrainer;
import dev.mirrorpo.learning.training.TrainerConfig;
import dev.mirrorpo.learning.training.TrainingResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Population-batched training against one candidate at a time (`mirrorpo objectives bench-population`):
 * candidate trajectory-steps per second (every real step of both sides of every pair, once per epoch and
 * candidate) of K MPO candidates trained as one batched program by {@link PopulationTrainer}, and of one
 * candidate trained alone by {@link OfflineTrainer}, the two ways an ES generation can train its
 * candidates on one core. Like {@link TrainerThroughput}, each measurement trains whole epochs of the
 * paper's settings and times all but the first with the trainer's epoch listener.
 */
public final class PopulationThroughput {
  private static final long CANDIDATE_SEED = 3;
  /** The ES's perturbation scale (paper: σ 0.03), so the candidates are a generation's. */
  private static final double SIGMA = 0.03;

  private final PairedTrajectories data;
  private final MpoConfig mpo;
  private final BenchStart start;

  public PopulationThroughput(PairedTrajectories data, MpoConfig mpo) {
    this.data = data;
    this.mpo = mpo;
    this.start = BenchStart.of(data);
  }

  /** Real trajectory steps of both sides of every pair: one candidate's work per epoch. */
  public long stepsPerEpoch() {
    return BenchStart.stepsPerEpoch(data);
  }

  /** Floating-point operations of one candidate's matrix products per trajectory step (see BenchStart). */
  public long flopsPerStep() {
    return BenchStart.trainingFlopsPerStep(start.architecture());
  }

  /** K candidates near MPO's start point, ζ₀ + σ·ε. */
  List<MpoObjective> candidates(int count) {
    float[] initial = MpoLayout.initial(mpo);
    SplittableRandom rng = new SplittableRandom(CANDIDATE_SEED);
    List<MpoObjective> candidates = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      float[] zeta = initial.clone();
      for (int i = 0; i < zeta.length; i++) {
        zeta[i] += (float) (SIGMA * rng.nextGaussian());
      }
      candidates.add(MpoObjective.create(mpo, zeta));
    }
    return candidates;
  }

  /** What the JAX reference starts from: the initial policy, the first {@code members} candidates' ζ, MPO's config. */
  public Map<String, Object> referenceStart(int members) {
    Map<String, Object> reference = start.referencePolicy();
    reference.put("zetas", candidates(members).stream().map(MpoObjective::zeta).toList());
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("two_step", mpo.twoStep());
    config.put("learn_psi", mpo.learnPsi());
    config.put("learn_g", mpo.learnG());
    config.put("temporal", mpo.temporal());
    config.put("lambda", mpo.lambda());
    reference.put("mpo", config);
    return reference;
  }

  /**
   * Each of the first {@code members} candidates' loss on the first minibatch (pairs 0, 1, …) under the initial
   * policy, as the trainer computes it: the JAX reference reports the same numbers from its own code.
   */
  public double[] firstBatchLosses(int members) {
    int[] firstPairs = new int[Math.min(TrainerConfig.paper().minibatchPairs(), data.pairs())];
    Arrays.setAll(firstPairs, k -> k);
    List<MpoObjective> objectives = candidates(members);
    double[] losses = new double[members];
    try (GaussianPolicy policy = start.policy(); NDScope scope = new NDScope()) {
      PairBatch batch = new OfflineTrainer(TrainerConfig.paper()).pairBatch(policy,
          data.normalized(policy.normalizer()), firstPairs);
      for (int k = 0; k < members; k++) {
        losses[k] = objectives.get(k).loss(batch).getFloat();
      }
    }
    return losses;
  }

  /** Candidate steps per second and the seconds timed. */
  record Measurement(double candidateStepsPerSecond, double seconds) {}

  /** One candidate alone, {@code epochs} timed epochs after an untimed one. */
  public Measurement oneAtATime(int epochs) {
    long[] wall = new long[epochs + 2];
    try (GaussianPolicy policy = start.policy()) {
      TrainingResult result = new OfflineTrainer(BenchStart.timedPaperTrainer(epochs)).train(policy, data,
          candidates(1).get(0), BenchStart.SHUFFLE_SEED,
          new OfflineTrainer.Listener() {
            @Override
            public void epochDone(int epoch, int total, double meanLoss) {
              wall[epoch] = System.nanoTime();
            }
          });
      requireCompleted(List.of(result));
    }
    double seconds = (wall[epochs + 1] - wall[1]) / 1e9;
    return new Measurement(epochs * stepsPerEpoch() / seconds, seconds);
  }

  /** {@code members} candidates as one population, {@code epochs} timed epochs after an untimed one. */
  public Measurement batched(int members, int epochs) {
    long[] wall = new long[epochs + 2];
    try (GaussianPolicy policy = start.policy();
        PopulationTrainer.Trained trained = new PopulationTrainer(BenchStart.timedPaperTrainer(epochs)).train(policy,
            data, MpoPopulation.of(candidates(members)), BenchStart.SHUFFLE_SEED, new PopulationTrainer.Listener() {
              @Override
              public void epochDone(int epoch, int total, double[] meanLosses) {
                wall[epoch] = System.nanoTime();
              }
            })) {
      requireCompleted(trained.results());
    }
    double seconds = (wall[epochs + 1] - wall[1]) / 1e9;
    return new Measurement((double) members * epochs * stepsPerEpoch() / seconds, seconds);
  }

  private static void requireCompleted(List<TrainingResult> results) {
    for (TrainingResult result : results) {
      if (!result.completed()) {
        throw new IllegalStateException("the benchmark's training stopped: " + result.message());
      }
    }
  }
}
