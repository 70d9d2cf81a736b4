package dev.mirrorpo.learning.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.mirrorpo.learning.Permutations;
import dev.mirrorpo.learning.Seeds;
import dev.mirrorpo.learning.nn.Adam;
import dev.mirrorpo.learning.nn.GradientTape;
import dev.mirrorpo.learning.nn.MlpKernel;
import dev.mirrorpo.learning.objectives.Objective;
import dev.mirrorpo.learning.objectives.Objectives;
import dev.mirrorpo.learning.objectives.PairBatch;
import dev.mirrorpo.learning.objectives.PopulationObjective;
import dev.mirrorpo.learning.objectives.TrajectoryLikelihood;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.policy.PolicyArchitecture;
import dev.mirrorpo.learning.policy.PolicyPopulation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The inner loop of every offline training (docs/training.md), {@link OfflineTrainer}'s one policy and
 * {@link PopulationTrainer}'s K alike: for each epoch, minibatches of pairs in an order drawn from (seed, epoch);
 * for each minibatch, one forward and one backward pass give every member its loss and gradient
 * ({@link #gradients}); then each member gets its own global gradient-norm clip, Adam step and divergence check.
 * A member whose loss or gradient norm is not finite keeps its last finite weights and stops (DIVERGED) while
 * the others go on, so one policy's training stops at once.
 */
final class TrainingLoop {
  private static final long SHUFFLE_STREAM = 11;
  /** PyTorch's default (β too are its defaults), so that settings carry over as Adam's update rule does. */
  private static final double ADAM_EPSILON = 1e-8;

  /** What the first stage of a training continues from: no steps, no epochs. */
  static final TrainingResult START = new TrainingResult(TrainingResult.Status.COMPLETED, 0, List.of(), "completed");

  private final TrainerConfig config;
  private final TrajectoryLikelihood likelihood;

  /**
   * The K ≥ 1 policies a loop trains, exchanged as flat vectors per member in {@link GaussianPolicy#parameters()}'s
   * layout (the mean network's layers, then log σ), and the network kernel of each member: during a stage the
   * loop's vectors are the weights, and the policies get them back after every epoch. Members share no parameters.
   */
  static final class Policies {
    private final NDManager manager;
    private final boolean population;
    private final Supplier<float[][]> values;
    private final Consumer<float[][]> setValues;
    private final MlpKernel[] kernels;

    private Policies(PolicyArchitecture architecture, int size, NDManager manager, boolean population,
        Supplier<float[][]> values, Consumer<float[][]> setValues) {
      this.manager = manager;
      this.population = population;
      this.values = values;
      this.setValues = setValues;
      this.kernels = new MlpKernel[size];
      Arrays.setAll(kernels, k -> MlpKernel.of(architecture.layerSizes()));
    }

    static Policies of(GaussianPolicy policy) {
      return new Policies(policy.architecture(), 1, policy.parameters().manager(), false,
          () -> new float[][] {policy.parameters().values()}, values -> policy.parameters().setValues(values[0]));
    }

    static Policies of(PolicyPopulation population) {
      return new Policies(population.architecture(), population.size(), population.manager(), true, () -> {
        float[][] values = new float[population.size()][];
        Arrays.setAll(values, population::memberValues);
        return values;
      }, population::setMemberValues);
    }

    int size() {
      return kernels.length;
    }

    /** The manager that owns the parameters; a minibatch's arrays come from it. */
    NDManager manager() {
      return manager;
    }

    /** Whether the likelihoods are [K, N] (a population, even of one) or [N] (one policy). */
    boolean population() {
      return population;
    }

    float[][] values() {
      return values.get();
    }

    void setValues(float[][] memberValues) {
      setValues.accept(memberValues);
    }

    /** The number of the mean network's parameters, which come first in a member's vector; log σ follows. */
    int networkParameters() {
      return kernels[0].parameterCount();
    }

    /** Member k's action means [rows, act] under its parameters {@code theta}; its kernel keeps the pass. */
    float[] actionMeans(int k, float[] theta, float[] normalizedObservations, int rows) {
      return kernels[k].forward(theta, normalizedObservations, rows);
    }

    /** Member k's gradient from the loss's gradient with respect to its last pass's action means and log σ. */
    float[] gradient(int k, float[] actionMeanGradient, float[] logStdGradient, int memberLength) {
      float[] gradient = new float[memberLength];
      kernels[k].backward(actionMeanGradient, gradient);
      System.arraycopy(logStdGradient, 0, gradient, networkParameters(), logStdGradient.length);
      return gradient;
    }
  }

  /**
   * Epochs [from, to) of one objective, with a fresh Adam per member: a two-step objective's second stage starts
   * from the SFT policy, not from SFT's optimiser state.
   *
   * @param data the dataset with observations normalised by the policies' normaliser
   * @param objective member k's loss is row k of its losses
   * @param reference π_ref's likelihoods of every pair for a two-step objective's second stage, else null
   * @param seed draws each epoch's order of the pairs
   */
  record Stage(Policies policies, PairedTrajectories data, PopulationObjective objective,
      ReferenceLikelihoods reference, int from, int to, long seed) {}

  /** One minibatch's loss of each member, and each member's gradient. */
  record Gradients(float[] losses, float[][] gradients) {}

  /** Observes a training. */
  interface Listener {
    /** After member k's gradient step (steps count from 1 over all stages), with that minibatch's loss. */
    default void stepDone(int member, long step, double loss) {}

    /** After each epoch that some member finished, with each member's mean loss (NaN for one that diverged). */
    default void epochDone(int epoch, int epochs, double[] meanLosses) {}
  }

  TrainingLoop(TrainerConfig config) {
    this.config = config;
    this.likelihood = new TrajectoryLikelihood(config.boxHalfWidth());
  }

  /** One objective for one policy, as a population of one. */
  static PopulationObjective one(Objective objective) {
    return new PopulationObjective() {
      @Override
      public String name() {
        return objective.name();
      }

      @Override
      public int size() {
        return 1;
      }

      @Override
      public boolean needsReference() {
        return objective.needsReference();
      }

      @Override
      public PopulationObjective forEpoch(int epoch, int epochs) {
        return one(objective.forEpoch(epoch, epochs));
      }

      @Override
      public NDArray losses(PairBatch batch) {
        return objective.loss(batch).reshape(1);
      }
    };
  }

  static void checkFits(GaussianPolicy policy, PairedTrajectories data) {
    if (data.observationSize() != policy.architecture().observationSize()
        || data.actionSize() != policy.architecture().actionSize()) {
      throw new IllegalArgumentException("dataset of task " + data.task() + " (observations " + data.observationSize()
          + ", actions " + data.actionSize() + ") does not fit policy " + policy.architecture());
    }
  }

  /**
   * Runs {@code stage} on from where {@code before} left every member (its steps and epoch losses: {@link #START},
   * or the SFT stage that precedes it) and returns how each member's training stands after it.
   */
  List<TrainingResult> run(Stage stage, TrainingResult before, Listener listener) {
    Policies policies = stage.policies();
    float[][] theta = policies.values();
    Adam[] adams = new Adam[theta.length];
    for (int k = 0; k < theta.length; k++) {
      adams[k] = Adam.withEpsilon(theta[k].length, ADAM_EPSILON);
    }
    Members members = new Members(stage.objective().name(), theta.length, before);
    int pairs = stage.data().pairs();
    for (int epoch = stage.from(); epoch < stage.to() && members.anyTraining(); epoch++) {
      int[] order = pairOrder(pairs, stage.seed(), epoch);
      PopulationObjective epochObjective = stage.objective().forEpoch(epoch, config.epochs());
      members.startEpoch();
      for (int first = 0; first < pairs && members.anyTraining(); first += config.minibatchPairs()) {
        int[] batch = Arrays.copyOfRange(order, first, Math.min(pairs, first + config.minibatchPairs()));
        Gradients step = gradients(stage, epochObjective, batch, theta);
        for (int k = 0; k < theta.length; k++) {
          if (!members.training(k)) {
            continue;
          }
          float loss = step.losses()[k];
          if (!Float.isFinite(loss)) {
            members.diverge(k, epoch, "loss is " + loss);
            continue;
          }
          double norm = Adam.clipGlobalNorm(step.gradients()[k], config.maxGradNorm());
          if (!Double.isFinite(norm)) {
            members.diverge(k, epoch, "gradient norm is " + norm);
            continue;
          }
          adams[k].step(theta[k], step.gradients()[k], config.learningRate());
          listener.stepDone(k, members.stepDone(k, loss), loss);
        }
      }
      policies.setValues(theta);
      if (members.anyTraining()) {
        listener.epochDone(epoch + 1, config.epochs(), members.endEpoch());
      }
    }
    return members.results();
  }

  /**
   * The first stage of every two-step objective: SFT on {@code policy} for {@code config.sftEpochs()} epochs, the
   * policy becoming π_ref (see {@link #references}).
   */
  TrainingResult sft(GaussianPolicy policy, PairedTrajectories normalizedData, long seed, Listener listener) {
    Stage stage = new Stage(Policies.of(policy), normalizedData, one(Objectives.create("sft", Map.of())), null, 0,
        config.sftEpochs(), seed);
    return run(stage, START, listener).get(0);
  }

  /**
   * Each member's loss on {@code pairs} and its gradient: the network kernels give every member's action means on
   * both sides of every pair, the likelihoods and the objective make one autograd graph, whose backward pass gives
   * each member's loss its gradient with respect to the likelihoods, and the chain rule carries it on to the
   * means and log σ ({@link TrajectoryLikelihood.Evaluation#outputGradients}) and through each member's network.
   * A member whose loss is not finite gets a gradient that is not finite.
   *
   * @param objective the stage's objective for the epoch at hand (temporal objectives change with it)
   * @param theta every member's parameters
   */
  Gradients gradients(Stage stage, PopulationObjective objective, int[] pairs, float[][] theta) {
    Policies policies = stage.policies();
    PackedPairs packed = PackedPairs.of(stage.data(), pairs);
    float[] losses;
    TrajectoryLikelihood.OutputGradients outputs;
    try (NDScope scope = new NDScope(); GradientTape tape = GradientTape.record()) {
      TrajectoryLikelihood.Evaluation likelihoods = evaluate(policies, theta, packed);
      NDArray memberLosses = objective.losses(
          packed.batch(policies.manager(), likelihoods.logLikelihoods(), stage.reference()));
      losses = memberLosses.toFloatArray();
      tape.backward(memberLosses.sum());
      outputs = likelihoods.outputGradients();
    }
    int members = theta.length;
    int meansPerMember = outputs.actionMeans().length / members;
    int act = outputs.logStd().length / members;
    float[][] gradients = new float[members][];
    for (int k = 0; k < members; k++) {
      gradients[k] = policies.gradient(k,
          Arrays.copyOfRange(outputs.actionMeans(), k * meansPerMember, (k + 1) * meansPerMember),
          Arrays.copyOfRange(outputs.logStd(), k * act, (k + 1) * act), theta[k].length);
    }
    return new Gradients(losses, gradients);
  }

  /**
   * The objective's view of some pairs as a training step builds it (one forward pass over both sides, no
   * π_ref); call it inside an {@code NDScope}.
   */
  PairBatch pairBatch(GaussianPolicy policy, PairedTrajectories normalizedData, int[] pairs) {
    Policies policies = Policies.of(policy);
    return pairBatch(policies, policies.values(), normalizedData, pairs);
  }

  private PairBatch pairBatch(Policies policies, float[][] theta, PairedTrajectories normalizedData, int[] pairs) {
    PackedPairs packed = PackedPairs.of(normalizedData, pairs);
    return packed.batch(policies.manager(), evaluate(policies, theta, packed).logLikelihoods(), null);
  }

  /** Every member's likelihoods of the packed trajectories, from its kernel's forward pass. */
  private TrajectoryLikelihood.Evaluation evaluate(Policies policies, float[][] theta, PackedPairs packed) {
    int members = theta.length;
    int rows = packed.rows();
    int act = packed.actions().length / rows;
    float[] means = new float[members * rows * act];
    float[] logStds = new float[members * act];
    for (int k = 0; k < members; k++) {
      float[] memberMeans = policies.actionMeans(k, theta[k], packed.observations(), rows);
      System.arraycopy(memberMeans, 0, means, k * rows * act, rows * act);
      System.arraycopy(theta[k], policies.networkParameters(), logStds, k * act, act);
    }
    return likelihood.of(means, logStds, members, policies.population(), packed.actions(), packed.lengths(),
        policies.manager());
  }

  /** π_ref's likelihoods of every pair, computed once when SFT ends: π_ref never changes after. */
  ReferenceLikelihoods references(GaussianPolicy policy, PairedTrajectories normalizedData) {
    Policies policies = Policies.of(policy);
    float[][] theta = policies.values();
    int pairs = normalizedData.pairs();
    float[][] values = new float[4][pairs];
    for (int first = 0; first < pairs; first += config.minibatchPairs()) {
      int[] batch = new int[Math.min(config.minibatchPairs(), pairs - first)];
      for (int k = 0; k < batch.length; k++) {
        batch[k] = first + k;
      }
      try (NDScope scope = new NDScope()) {
        PairBatch b = pairBatch(policies, theta, normalizedData, batch);
        float[][] parts = {b.chosenSum().toFloatArray(), b.rejectedSum().toFloatArray(),
            b.chosenMean().toFloatArray(), b.rejectedMean().toFloatArray()};
        for (int v = 0; v < 4; v++) {
          System.arraycopy(parts[v], 0, values[v], first, batch.length);
        }
      }
    }
    return new ReferenceLikelihoods(values[0], values[1], values[2], values[3]);
  }

  /** The order in which epoch {@code epoch} visits the pairs, drawn from the seed. */
  private static int[] pairOrder(int pairs, long seed, int epoch) {
    int[] order = new int[pairs];
    Arrays.setAll(order, i -> i);
    Permutations.shuffle(order, new SplittableRandom(Seeds.derive(seed, SHUFFLE_STREAM, epoch)));
    return order;
  }

  /** Each member's progress: steps, epoch losses, and whether it is still training. */
  private static final class Members {
    private final String objective;
    private final long[] steps;
    private final List<List<Double>> epochLosses = new ArrayList<>();
    private final Map<Integer, TrainingResult> diverged = new HashMap<>();
    private final double[] lossSums;
    private final int[] batches;

    Members(String objective, int size, TrainingResult before) {
      this.objective = objective;
      steps = new long[size];
      lossSums = new double[size];
      batches = new int[size];
      for (int k = 0; k < size; k++) {
        epochLosses.add(new ArrayList<>(before.epochLosses()));
        steps[k] = before.steps();
      }
    }

    boolean training(int k) {
      return !diverged.containsKey(k);
    }

    boolean anyTraining() {
      return diverged.size() < steps.length;
    }

    void startEpoch() {
      Arrays.fill(lossSums, 0);
      Arrays.fill(batches, 0);
    }

    /** Returns member k's steps so far. */
    long stepDone(int k, double loss) {
      lossSums[k] += loss;
      batches[k]++;
      return ++steps[k];
    }

    void diverge(int k, int epoch, String what) {
      diverged.put(k, new TrainingResult(TrainingResult.Status.DIVERGED, steps[k], List.copyOf(epochLosses.get(k)),
          objective + " diverged in epoch " + (epoch + 1) + " after " + steps[k] + " steps: " + what));
    }

    /** Records the epoch's mean loss of each member still training; returns them (NaN for the others). */
    double[] endEpoch() {
      double[] means = new double[steps.length];
      for (int k = 0; k < steps.length; k++) {
        means[k] = training(k) ? lossSums[k] / batches[k] : Double.NaN;
        if (training(k)) {
          epochLosses.get(k).add(means[k]);
        }
      }
      return means;
    }

    List<TrainingResult> results() {
      List<TrainingResult> results = new ArrayList<>();
      for (int k = 0; k < steps.length; k++) {
        results.add(training(k) ? new TrainingResult(TrainingResult.Status.COMPLETED, steps[k],
            List.copyOf(epochLosses.get(k)), "completed") : diverged.get(k));
      }
      return results;
    }
  }
}
