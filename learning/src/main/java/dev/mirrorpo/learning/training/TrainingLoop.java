package dev.mirrorpo.learning.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.mirrorpo.learning.Permutations;
import dev.mirrorpo.learning.Seeds;
import dev.mirrorpo.learning.nn.Adam;
import dev.mirrorpo.learning.nn.GradientTape;
import dev.mirrorpo.learning.objectives.Objective;
import dev.mirrorpo.learning.objectives.Objectives;
import dev.mirrorpo.learning.objectives.PairBatch;
import dev.mirrorpo.learning.objectives.PopulationObjective;
import dev.mirrorpo.learning.objectives.TrajectoryLikelihood;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.policy.PolicyPopulation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

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
   * The K ≥ 1 policies a loop trains: their forward pass and their parameters, flat per member in
   * {@link GaussianPolicy#parameters()}'s layout. Members share no parameters.
   */
  interface Policies {
    int size();

    /** The manager that owns the parameters; a minibatch's arrays come from it. */
    NDManager manager();

    /** [rows, act] for one policy, [K, rows, act] for a population. */
    NDArray actionMeans(NDArray normalizedObservations);

    /** [1, act] for one policy, [K, 1, act] for a population. */
    NDArray logStd();

    float[][] values();

    void setValues(float[][] values);

    /** The gradients accumulated since the last call, and resets them. */
    float[][] takeGradients();

    static Policies of(GaussianPolicy policy) {
      return new Policies() {
        @Override
        public int size() {
          return 1;
        }

        @Override
        public NDManager manager() {
          return policy.parameters().manager();
        }

        @Override
        public NDArray actionMeans(NDArray normalizedObservations) {
          return policy.mean(normalizedObservations);
        }

        @Override
        public NDArray logStd() {
          return policy.logStd();
        }

        @Override
        public float[][] values() {
          return new float[][] {policy.parameters().values()};
        }

        @Override
        public void setValues(float[][] values) {
          policy.parameters().setValues(values[0]);
        }

        @Override
        public float[][] takeGradients() {
          return new float[][] {policy.parameters().takeGradients()};
        }
      };
    }

    static Policies of(PolicyPopulation population) {
      return new Policies() {
        @Override
        public int size() {
          return population.size();
        }

        @Override
        public NDManager manager() {
          return population.manager();
        }

        @Override
        public NDArray actionMeans(NDArray normalizedObservations) {
          return population.actionMeans(normalizedObservations);
        }

        @Override
        public NDArray logStd() {
          return population.logStd();
        }

        @Override
        public float[][] values() {
          float[][] values = new float[population.size()][];
          Arrays.setAll(values, population::memberValues);
          return values;
        }

        @Override
        public void setValues(float[][] values) {
          population.setMemberValues(values);
        }

        @Override
        public float[][] takeGradients() {
          return population.takeMemberGradients();
        }
      };
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
        Gradients step = gradients(stage, epochObjective, batch);
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
        policies.setValues(theta);
      }
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
   * Each member's loss on {@code pairs} and its gradient: the likelihoods of both sides of every pair under every
   * member come from one forward pass, and one backward pass of the losses' sum gives each member its own gradient
   * (members share no parameters). A member whose loss is not finite gets a gradient that is not finite.
   *
   * @param objective the stage's objective for the epoch at hand (temporal objectives change with it)
   */
  Gradients gradients(Stage stage, PopulationObjective objective, int[] pairs) {
    Policies policies = stage.policies();
    float[] losses;
    try (NDScope scope = new NDScope(); GradientTape tape = GradientTape.record()) {
      PackedPairs packed = PackedPairs.of(policies.manager(), stage.data(), pairs);
      TrajectoryLikelihood.Evaluation likelihoods = evaluate(policies, packed);
      NDArray memberLosses = objective.losses(packed.batch(likelihoods.logLikelihoods(), stage.reference()));
      losses = memberLosses.toFloatArray();
      tape.backward(memberLosses.sum());
      likelihoods.backpropagate(tape);
    }
    return new Gradients(losses, policies.takeGradients());
  }

  /**
   * The objective's view of some pairs as a training step builds it (one forward pass over both sides, no
   * π_ref); call it inside an {@code NDScope}.
   */
  PairBatch pairBatch(GaussianPolicy policy, PairedTrajectories normalizedData, int[] pairs) {
    PackedPairs packed = PackedPairs.of(policy.parameters().manager(), normalizedData, pairs);
    return packed.batch(evaluate(Policies.of(policy), packed).logLikelihoods(), null);
  }

  private TrajectoryLikelihood.Evaluation evaluate(Policies policies, PackedPairs packed) {
    return likelihood.ofActionMeans(policies.actionMeans(packed.observations()), policies.logStd(),
        packed.actions(), packed.lengths());
  }

  /** π_ref's likelihoods of every pair, computed once when SFT ends: π_ref never changes after. */
  ReferenceLikelihoods references(GaussianPolicy policy, PairedTrajectories normalizedData) {
    int pairs = normalizedData.pairs();
    float[][] values = new float[4][pairs];
    for (int first = 0; first < pairs; first += config.minibatchPairs()) {
      int[] batch = new int[Math.min(config.minibatchPairs(), pairs - first)];
      for (int k = 0; k < batch.length; k++) {
        batch[k] = first + k;
      }
      try (NDScope scope = new NDScope()) {
        PairBatch b = pairBatch(policy, normalizedData, batch);
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
