package dev.mirrorpo.learning.ppo;

import static dev.mirrorpo.learning.nn.ScalarOps.add;
import static dev.mirrorpo.learning.nn.ScalarOps.mul;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.mirrorpo.learning.nn.GradientTape;
import dev.mirrorpo.envs.Step;
import dev.mirrorpo.envs.Task;
import dev.mirrorpo.envs.VecEnv;
import dev.mirrorpo.learning.Permutations;
import dev.mirrorpo.learning.Seeds;
import dev.mirrorpo.learning.nn.Adam;
import dev.mirrorpo.learning.nn.Mlp;
import dev.mirrorpo.learning.nn.ParameterSet;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.policy.PolicyArchitecture;
import dev.mirrorpo.learning.policy.RunningMeanVar;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.SplittableRandom;

/**
 * Proximal Policy Optimization (Schulman et al. 2017) for the batched MuJoCo tasks, following
 * CleanRL's ppo_continuous_action: GAE, clipped surrogate, clipped value loss, one Adam over actor
 * and critic with a global gradient-norm clip, observation and reward normalisation, annealed
 * learning rate. Every piece of randomness is derived from (seed, iteration), so a run is a pure
 * function of its task, config and seed.
 */
public final class Ppo implements AutoCloseable {
  private static final long RESET_STREAM = 1;
  private static final long ACTION_STREAM = 2;
  private static final long SHUFFLE_STREAM = 3;
  private static final long INIT_STREAM = 4;
  /** Episodes the progress display averages over. */
  private static final int RECENT_EPISODES = 20;

  private final Task task;
  private final PpoConfig config;
  private final long seed;
  private final GaussianPolicy policy;
  private final NDManager criticManager;
  private final ParameterSet criticParameters;
  private final Mlp critic;
  private final Adam adam;
  private final RunningMeanVar returnStatistics;
  private int iteration;
  private long globalSteps;
  private long episodesStarted;
  private long episodesFinished;
  private final Deque<Double> recentReturns = new ArrayDeque<>();

  /** Observes training; all methods have empty defaults. */
  public interface Listener {
    /** After each iteration. */
    default void iterationDone(Ppo ppo, double stepsPerSecond) {}
  }

  public Ppo(Task task, PpoConfig config, long seed) {
    this.task = task;
    this.config = config;
    this.seed = seed;
    PolicyArchitecture architecture = PolicyArchitecture.gaussianMlp(task.observationSize(), task.actionSize());
    this.policy = GaussianPolicy.initialize(architecture, Seeds.derive(seed, INIT_STREAM, 0));
    this.criticManager = NDManager.newBaseManager("PyTorch");
    this.criticParameters = new ParameterSet(criticManager);
    int[] criticSizes = architecture.layerSizes();
    criticSizes[criticSizes.length - 1] = 1;
    this.critic = new Mlp(criticParameters, "value", criticSizes, 1.0,
        new SplittableRandom(Seeds.derive(seed, INIT_STREAM, 1)));
    this.adam = Adam.withEpsilon(policy.parameters().size() + criticParameters.size(), 1e-5);
    this.returnStatistics = new RunningMeanVar(1);
  }

  /** Continues the run saved in {@code checkpoint}. */
  public static Ppo resume(Task task, PpoCheckpoint checkpoint) {
    Ppo ppo = new Ppo(task, checkpoint.config(), checkpoint.seed());
    try {
      ppo.restore(checkpoint);
    } catch (RuntimeException e) {
      ppo.close();
      throw e;
    }
    return ppo;
  }

  public GaussianPolicy policy() {
    return policy;
  }

  public PpoConfig config() {
    return config;
  }

  public long seed() {
    return seed;
  }

  public int iteration() {
    return iteration;
  }

  public long globalSteps() {
    return globalSteps;
  }

  public long episodesFinished() {
    return episodesFinished;
  }

  /** Mean return of the last few finished episodes, NaN before the first. */
  public double recentMeanReturn() {
    return recentReturns.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  public boolean finished() {
    return iteration >= config.iterations();
  }

  /** Trains until {@link PpoConfig#totalSteps}, calling the listener after every iteration. */
  public void train(Listener listener) {
    try (VecEnv env = new VecEnv(task, config.numEnvs(), config.maxEpisodeSteps(), true)) {
      float[] observations = env.reset(nextResetSeeds(config.numEnvs()));
      double[] discountedReturns = new double[config.numEnvs()];
      double[] episodeReturns = new double[config.numEnvs()];
      while (!finished()) {
        long start = System.nanoTime();
        observations = iterate(env, observations, discountedReturns, episodeReturns);
        listener.iterationDone(this, config.batchSize() / ((System.nanoTime() - start) / 1e9));
      }
    }
  }

  /** One rollout of numEnvs × stepsPerEnv steps and one update; returns the next observations. */
  private float[] iterate(VecEnv env, float[] observations, double[] discountedReturns, double[] episodeReturns) {
    int n = config.numEnvs();
    int steps = config.stepsPerEnv();
    int obsSize = task.observationSize();
    int actSize = task.actionSize();
    float[] batchObs = new float[steps * n * obsSize];
    float[] batchActions = new float[steps * n * actSize];
    float[] batchLogProbs = new float[steps * n];
    float[] batchValues = new float[steps * n];
    float[] batchRewards = new float[steps * n];
    boolean[] batchDones = new boolean[steps * n];

    SplittableRandom actionRoot = new SplittableRandom(Seeds.derive(seed, ACTION_STREAM, iteration));
    SplittableRandom[] actionStreams = new SplittableRandom[n];
    Arrays.setAll(actionStreams, i -> actionRoot.split());
    double learningRate = config.annealLearningRate()
        ? (1.0 - (double) iteration / config.iterations()) * config.learningRate()
        : config.learningRate();

    float[] normalized = observeNormalized(observations, n);
    for (int t = 0; t < steps; t++) {
      System.arraycopy(normalized, 0, batchObs, t * n * obsSize, n * obsSize);
      GaussianPolicy.Distribution distribution = policy.distributionOfNormalized(normalized);
      float[] actions = new float[n * actSize];
      for (int k = 0; k < actions.length; k++) {
        actions[k] = (float) (distribution.mean()[k]
            + distribution.std()[k % actSize] * actionStreams[k / actSize].nextGaussian());
      }
      float[] values = values(normalized, n);
      System.arraycopy(actions, 0, batchActions, t * n * actSize, actions.length);
      System.arraycopy(values, 0, batchValues, t * n, n);
      for (int i = 0; i < n; i++) {
        batchLogProbs[t * n + i] = (float) distribution.logProb(i, actions);
      }

      Step step = env.step(actions);
      globalSteps += n;
      observations = step.observations();
      int[] finished = new int[n];
      int finishedCount = 0;
      for (int i = 0; i < n; i++) {
        double reward = step.rewards()[i];
        episodeReturns[i] += reward;
        // Gymnasium's NormalizeReward: scale by the running std of the discounted return, clip ±10.
        discountedReturns[i] = discountedReturns[i] * config.gamma() * (step.terminated()[i] ? 0 : 1) + reward;
        batchDones[t * n + i] = step.done(i);
        if (step.done(i)) {
          finished[finishedCount++] = i;
          recordEpisode(episodeReturns[i]);
          episodeReturns[i] = 0;
        }
      }
      returnStatistics.update(discountedReturns);
      double rewardScale = 1.0 / Math.sqrt(returnStatistics.variance()[0] + 1e-8);
      for (int i = 0; i < n; i++) {
        batchRewards[t * n + i] = (float) Math.max(-10, Math.min(10, step.rewards()[i] * rewardScale));
      }
      if (finishedCount > 0) {
        int[] indices = Arrays.copyOf(finished, finishedCount);
        observations = env.reset(indices, nextResetSeeds(finishedCount));
      }
      normalized = observeNormalized(observations, n);
    }
    Rollout rollout = new Rollout(batchObs, batchActions, batchLogProbs, batchValues, batchRewards, batchDones);
    update(rollout, generalizedAdvantages(rollout, values(normalized, n)), learningRate);
    iteration++;
    return observations;
  }

  /** Updates the observation statistics with a batch of raw observations and normalises it. */
  private float[] observeNormalized(float[] observations, int rows) {
    policy.normalizer().update(observations, rows);
    return policy.normalizer().normalize(observations);
  }

  private float[] values(float[] normalized, int rows) {
    try (NDScope scope = new NDScope()) {
      NDArray input = criticManager.create(normalized, new Shape(rows, task.observationSize()));
      return critic.forward(input).toFloatArray();
    }
  }

  /**
   * One iteration's experience, [steps × envs] rows in step-major order.
   *
   * @param observations normalised, as the policy saw them
   * @param logProbs the actions' log-probabilities under the policy that sampled them
   * @param values the critic's values of the observations
   * @param rewards scaled and clipped
   * @param dones whether the step ended its episode
   */
  private record Rollout(float[] observations, float[] actions, float[] logProbs, float[] values, float[] rewards,
      boolean[] dones) {}

  /** A rollout's GAE(γ, λ) advantages and λ-returns, in its order. */
  private record Advantages(float[] advantages, float[] returns) {}

  /** No bootstrap across an episode end; the last step bootstraps from {@code nextValues}. */
  private Advantages generalizedAdvantages(Rollout rollout, float[] nextValues) {
    int n = config.numEnvs();
    int steps = config.stepsPerEnv();
    float[] rewards = rollout.rewards();
    float[] values = rollout.values();
    boolean[] dones = rollout.dones();
    float[] advantages = new float[steps * n];
    float[] returns = new float[steps * n];
    for (int i = 0; i < n; i++) {
      double lastAdvantage = 0;
      for (int t = steps - 1; t >= 0; t--) {
        int k = t * n + i;
        double nextNonTerminal = dones[k] ? 0 : 1;
        double nextValue = t == steps - 1 ? nextValues[i] : values[k + n];
        double delta = rewards[k] + config.gamma() * nextValue * nextNonTerminal - values[k];
        lastAdvantage = delta + config.gamma() * config.gaeLambda() * nextNonTerminal * lastAdvantage;
        advantages[k] = (float) lastAdvantage;
        returns[k] = (float) (lastAdvantage + values[k]);
      }
    }
    return new Advantages(advantages, returns);
  }

  private void update(Rollout rollout, Advantages advantages, double learningRate) {
    int batch = config.batchSize();
    int size = config.minibatchSize();
    int obsSize = task.observationSize();
    int actSize = task.actionSize();
    SplittableRandom shuffle = new SplittableRandom(Seeds.derive(seed, SHUFFLE_STREAM, iteration));
    int[] order = new int[batch];
    Arrays.setAll(order, i -> i);
    float[] theta = concat(policy.parameters().values(), criticParameters.values());
    for (int epoch = 0; epoch < config.epochs(); epoch++) {
      Permutations.shuffle(order, shuffle);
      for (int first = 0; first < batch; first += size) {
        float[] mbObs = new float[size * obsSize];
        float[] mbActions = new float[size * actSize];
        float[] mbOldLogProbs = new float[size];
        float[] mbOldValues = new float[size];
        float[] mbAdvantages = new float[size];
        float[] mbReturns = new float[size];
        for (int j = 0; j < size; j++) {
          int k = order[first + j];
          System.arraycopy(rollout.observations(), k * obsSize, mbObs, j * obsSize, obsSize);
          System.arraycopy(rollout.actions(), k * actSize, mbActions, j * actSize, actSize);
          mbOldLogProbs[j] = rollout.logProbs()[k];
          mbOldValues[j] = rollout.values()[k];
          mbAdvantages[j] = advantages.advantages()[k];
          mbReturns[j] = advantages.returns()[k];
        }
        normalizeInPlace(mbAdvantages);
        try (NDScope scope = new NDScope()) {
          NDArray x = criticManager.create(mbObs, new Shape(size, obsSize));
          NDArray a = criticManager.create(mbActions, new Shape(size, actSize));
          NDArray oldLogProb = criticManager.create(mbOldLogProbs);
          NDArray oldValue = criticManager.create(mbOldValues);
          NDArray advantage = criticManager.create(mbAdvantages);
          NDArray target = criticManager.create(mbReturns);
          try (GradientTape tape = GradientTape.record()) {
            NDArray ratio = policy.logProb(x, a).sub(oldLogProb).exp();
            NDArray surrogate = advantage.mul(ratio);
            NDArray clipped = advantage.mul(ratio.clip(1 - config.clip(), 1 + config.clip()));
            NDArray policyLoss = surrogate.minimum(clipped).mean().neg();

            NDArray value = critic.forward(x).reshape(size);
            NDArray valueClipped = oldValue.add(value.sub(oldValue).clip(-config.clip(), config.clip()));
            NDArray valueLoss = mul(value.sub(target).square().maximum(valueClipped.sub(target).square()).mean(), 0.5);

            NDArray loss = policyLoss.add(mul(valueLoss, config.valueCoefficient()));
            if (config.entropyCoefficient() != 0) {
              // The entropy of a diagonal Gaussian depends only on log σ.
              NDArray entropy = add(policy.logStd(), 0.5 + 0.5 * StrictMath.log(2 * Math.PI)).sum();
              loss = loss.sub(mul(entropy, config.entropyCoefficient()));
            }
            tape.backward(loss);
          }
        }
        float[] gradient = concat(policy.parameters().takeGradients(), criticParameters.takeGradients());
        Adam.clipGlobalNorm(gradient, config.maxGradNorm());
        adam.step(theta, gradient, learningRate);
        setParameters(theta);
      }
    }
  }

  private void setParameters(float[] theta) {
    int policySize = policy.parameters().size();
    policy.parameters().setValues(Arrays.copyOfRange(theta, 0, policySize));
    criticParameters.setValues(Arrays.copyOfRange(theta, policySize, theta.length));
  }

  private void recordEpisode(double episodeReturn) {
    episodesFinished++;
    recentReturns.addLast(episodeReturn);
    if (recentReturns.size() > RECENT_EPISODES) {
      recentReturns.removeFirst();
    }
  }

  private long[] nextResetSeeds(int count) {
    long[] seeds = new long[count];
    for (int i = 0; i < count; i++) {
      seeds[i] = Seeds.derive(seed, RESET_STREAM, episodesStarted++);
    }
    return seeds;
  }

  private static void normalizeInPlace(float[] values) {
    double mean = 0;
    for (float v : values) {
      mean += v;
    }
    mean /= values.length;
    double squares = 0;
    for (float v : values) {
      squares += (v - mean) * (v - mean);
    }
    // torch.std is the unbiased estimate; CleanRL divides by (std + 1e-8).
    double std = Math.sqrt(squares / Math.max(1, values.length - 1));
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) ((values[i] - mean) / (std + 1e-8));
    }
  }

  private static float[] concat(float[] first, float[] second) {
    float[] all = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }

  /** The learner's whole state at an iteration boundary. */
  public PpoCheckpoint checkpoint() {
    RunningMeanVar observations = policy.normalizer().statistics();
    return new PpoCheckpoint(task.name(), config, seed, iteration, globalSteps, episodesStarted, episodesFinished,
        recentReturns.stream().mapToDouble(Double::doubleValue).toArray(), policy.parameters().values(),
        criticParameters.values(), adam.state(), observations.mean(), observations.variance(), observations.count(),
        returnStatistics.mean()[0], returnStatistics.variance()[0], returnStatistics.count());
  }

  private void restore(PpoCheckpoint checkpoint) {
    if (!checkpoint.task().equals(task.name())) {
      throw new IllegalArgumentException("checkpoint of task " + checkpoint.task() + " cannot resume training on "
          + task.name());
    }
    policy.parameters().setValues(checkpoint.policyParameters());
    criticParameters.setValues(checkpoint.criticParameters());
    adam.restore(checkpoint.adam());
    RunningMeanVar restored = new RunningMeanVar(checkpoint.observationMean(), checkpoint.observationVariance(),
        checkpoint.observationCount());
    RunningMeanVar statistics = policy.normalizer().statistics();
    statistics.restore(restored);
    returnStatistics.restore(new RunningMeanVar(new double[] {checkpoint.returnMean()},
        new double[] {checkpoint.returnVariance()}, checkpoint.returnCount()));
    iteration = checkpoint.iteration();
    globalSteps = checkpoint.globalSteps();
    episodesStarted = checkpoint.episodesStarted();
    episodesFinished = checkpoint.episodesFinished();
    for (double r : checkpoint.recentReturns()) {
      recentReturns.addLast(r);
    }
  }

  /** Writes {@link #checkpoint()} atomically. */
  public void saveCheckpoint(Path file) {
    PpoCheckpoint.write(file, checkpoint());
  }

  @Override
  public void close() {
    policy.close();
    criticManager.close();
  }
}
