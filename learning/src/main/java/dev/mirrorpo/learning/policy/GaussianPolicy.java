package dev.mirrorpo.learning.policy;

import static dev.mirrorpo.learning.nn.ScalarOps.mul;
import static dev.mirrorpo.learning.nn.ScalarOps.sub;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.mirrorpo.envs.PolicyFactory;
import dev.mirrorpo.envs.Rollouts;
import dev.mirrorpo.learning.io.FloatCodec;
import dev.mirrorpo.learning.nn.Mlp;
import dev.mirrorpo.learning.nn.ParameterSet;
import java.util.SplittableRandom;

/**
 * π(a|s) = N(μ(norm(s)), diag(exp(2·logStd))): a tanh MLP for the mean, a state-independent learned
 * log standard deviation, and an observation normaliser in front. Actions are the raw Gaussian
 * samples; the environment clips them, so the log-probability of a stored action is exact.
 */
public final class GaussianPolicy implements AutoCloseable {
  private static final double HALF_LOG_TWO_PI = 0.5 * StrictMath.log(2 * Math.PI);

  private final PolicyArchitecture architecture;
  private final NDManager manager;
  private final ParameterSet parameters;
  private final Mlp meanNetwork;
  private final NDArray logStd;
  private final ObservationNormalizer normalizer;

  private GaussianPolicy(PolicyArchitecture architecture, ObservationNormalizer normalizer, SplittableRandom init) {
    this.architecture = architecture;
    this.manager = NDManager.newBaseManager("PyTorch");
    this.parameters = new ParameterSet(manager);
    // CleanRL: the mean's last layer starts near zero (gain 0.01), so early actions are pure noise.
    this.meanNetwork = new Mlp(parameters, "mean", architecture.layerSizes(), 0.01, init);
    this.logStd = parameters.add("log_std", new Shape(1, architecture.actionSize()),
        new float[architecture.actionSize()]);
    this.normalizer = normalizer;
  }

  /** A freshly initialised policy (orthogonal weights from {@code seed}, σ = 1, identity normaliser). */
  public static GaussianPolicy initialize(PolicyArchitecture architecture, long seed) {
    return new GaussianPolicy(architecture, new ObservationNormalizer(architecture.observationSize()),
        new SplittableRandom(seed));
  }

  /** A policy with the given flat parameter vector (layout of {@link #parameters()}) and normaliser. */
  public static GaussianPolicy of(PolicyArchitecture architecture, float[] values, RunningMeanVar statistics) {
    if (statistics.size() != architecture.observationSize()) {
      throw new IllegalArgumentException("normaliser of size " + statistics.size() + " for a policy observing "
          + architecture.observationSize() + " values");
    }
    GaussianPolicy policy = new GaussianPolicy(architecture, new ObservationNormalizer(statistics),
        new SplittableRandom(0));
    try {
      policy.parameters.setValues(values);
    } catch (RuntimeException e) {
      policy.close();
      throw e;
    }
    return policy;
  }

  /** An independent policy with the same parameters and normaliser statistics. */
  public GaussianPolicy copy() {
    RunningMeanVar statistics = normalizer.statistics();
    return of(architecture, parameters.values(),
        new RunningMeanVar(statistics.mean(), statistics.variance(), statistics.count()));
  }

  public PolicyArchitecture architecture() {
    return architecture;
  }

  public ParameterSet parameters() {
    return parameters;
  }

  public ObservationNormalizer normalizer() {
    return normalizer;
  }

  /**
   * SHA-256 of the parameters as float32 bits in layout order, as agent files record their weights:
   * two trainings that end here bit for bit have the same digest (docs/reproducibility.md).
   */
  public String weightsSha256() {
    return FloatCodec.checksum(parameters.values());
  }

  /** Mean action for a batch of normalised observations [N, obs] → [N, act]. */
  public NDArray mean(NDArray normalizedObservations) {
    return meanNetwork.forward(normalizedObservations);
  }

  /** The learned log standard deviation [1, act]. */
  public NDArray logStd() {
    return logStd;
  }

  /** Σ_d log N(a_d; μ_d, σ_d) for a batch: [N, obs] normalised observations, [N, act] actions → [N]. */
  public NDArray logProb(NDArray normalizedObservations, NDArray actions) {
    NDArray mean = mean(normalizedObservations);
    NDArray z = actions.sub(mean).mul(logStd.neg().exp());
    return sub(mul(z.square(), -0.5).sub(logStd), HALF_LOG_TWO_PI).sum(new int[] {1});
  }

  /** Mean actions (row-major N × act) and σ (act) for raw observations, outside autograd. */
  public Distribution distribution(float[] rawObservations) {
    return distributionOfNormalized(normalizer.normalize(rawObservations));
  }

  /** Like {@link #distribution} for observations already normalised (PPO normalises as it goes). */
  public Distribution distributionOfNormalized(float[] normalized) {
    int rows = normalized.length / architecture.observationSize();
    try (NDScope scope = new NDScope()) {
      NDArray input = manager.create(normalized, new Shape(rows, architecture.observationSize()));
      float[] mean = mean(input).toFloatArray();
      float[] std = logStd.exp().toFloatArray();
      return new Distribution(mean, std);
    }
  }

  /** The mean action and per-dimension σ of a batch. */
  public record Distribution(float[] mean, float[] std) {
    /** log π(a|s) of row i for the given action, in double precision. */
    public double logProb(int row, float[] actions) {
      int d = std.length;
      double sum = 0;
      for (int j = 0; j < d; j++) {
        double z = (actions[row * d + j] - mean[row * d + j]) / std[j];
        sum += -0.5 * z * z - StrictMath.log(std[j]) - HALF_LOG_TWO_PI;
      }
      return sum;
    }
  }

  /** Stochastic play: each episode draws its action noise from its own stream (Rollouts.actionStream). */
  public PolicyFactory sampler() {
    return episodeSeeds -> {
      SplittableRandom[] streams = actionStreams(episodeSeeds);
      return (observations, running) -> sample(observations, streams);
    };
  }

  /** One Gaussian sample per row, row i from {@code streams[i]}. */
  public float[] sample(float[] rawObservations, SplittableRandom[] streams) {
    Distribution distribution = distribution(rawObservations);
    return draw(distribution.mean(), distribution.std(), architecture.actionSize(), streams);
  }

  /** Each episode's action-noise stream. */
  static SplittableRandom[] actionStreams(long[] episodeSeeds) {
    SplittableRandom[] streams = new SplittableRandom[episodeSeeds.length];
    for (int i = 0; i < streams.length; i++) {
      streams[i] = Rollouts.actionStream(episodeSeeds[i]);
    }
    return streams;
  }

  /**
   * a = μ + σ·ε for every row (row-major means), row i's ε from {@code streams[i]}.
   *
   * @param std σ of each of G equal blocks of rows in order (G = 1: one policy; a population: one block per
   *     member), {@code actionSize} values each
   */
  static float[] draw(float[] mean, float[] std, int actionSize, SplittableRandom[] streams) {
    int rowsPerBlock = mean.length / std.length;
    float[] actions = new float[mean.length];
    for (int i = 0; i < mean.length; i++) {
      int row = i / actionSize;
      float sigma = std[row / rowsPerBlock * actionSize + i % actionSize];
      actions[i] = (float) (mean[i] + sigma * streams[row].nextGaussian());
    }
    return actions;
  }

  @Override
  public void close() {
    manager.close();
  }
}
