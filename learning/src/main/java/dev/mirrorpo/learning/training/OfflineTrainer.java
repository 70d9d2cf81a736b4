package dev.mirrorpo.learning.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.mirrorpo.learning.nn.GradientTape;
import dev.mirrorpo.learning.Permutations;
import dev.mirrorpo.learning.Seeds;
import dev.mirrorpo.learning.nn.Adam;
import dev.mirrorpo.learning.objectives.Objective;
import dev.mirrorpo.learning.objectives.Objectives;
import dev.mirrorpo.learning.objectives.PairBatch;
import dev.mirrorpo.learning.objectives.TrajectoryLikelihood;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a policy offline on a preference dataset with one objective (docs/design.md §8): one-step
 * objectives optimise their loss for every epoch; two-step ones train SFT first, freeze that policy
 * as π_ref, and then optimise their loss against it. Adam on the flat parameter vector with a global
 * gradient-norm clip; minibatches of pairs in an order drawn from the seed. The policy's observation
 * normaliser stays frozen.
 */
public final class OfflineTrainer {
  private static final long SHUFFLE_STREAM = 11;

  private final TrainerConfig config;
  private final TrajectoryLikelihood likelihood;

  /** Observes training. */
  public interface Listener {
    /** After each gradient step, with that minibatch's loss (steps count from 1 over both stages). */
    default void stepDone(long step, double loss) {}

    /** After each epoch, with its mean loss. */
    default void epochDone(int epoch, int epochs, double meanLoss) {}
  }

  public OfflineTrainer(TrainerConfig config) {
    this.config = config;
    this.likelihood = new TrajectoryLikelihood(config.boxHalfWidth());
  }

  /**
   * Trains {@code policy} in place.
   *
   * @param data the dataset, with raw observations (normalised here by the policy's frozen normaliser)
   */
  public TrainingResult train(GaussianPolicy policy, PairedTrajectories data, Objective objective, long seed,
      Listener listener) {
    checkFits(policy, data);
    PairedTrajectories normalized = data.normalized(policy.normalizer());
    List<Double> losses = new ArrayList<>();
    long[] steps = {0};

    TrainingResult result;
    if (objective.needsReference()) {
      result = sftStage(policy, normalized, seed, losses, steps, listener);
      if (result == null) {
        result = runEpochs(policy, normalized, objective, references(policy, normalized), config.sftEpochs(),
            config.epochs(), seed, losses, steps, listener);
      }
    } else {
      result = runEpochs(policy, normalized, objective, null, 0, config.epochs(), seed, losses, steps, listener);
    }
    return result != null ? result : completed(steps[0], losses);
  }

  /**
   * The first stage of every two-step objective: SFT for {@code config.sftEpochs()} epochs, the policy
   * becoming π_ref; returns a result only if training had to stop.
   */
  TrainingResult sftStage(GaussianPolicy policy, PairedTrajectories normalizedData, long seed, List<Double> losses,
      long[] steps, Listener listener) {
    return runEpochs(policy, normalizedData, Objectives.create("sft", Map.of()), null, 0, config.sftEpochs(), seed,
        losses, steps, listener);
  }

  static void checkFits(GaussianPolicy policy, PairedTrajectories data) {
    if (data.observationSize() != policy.architecture().observationSize()
        || data.actionSize() != policy.architecture().actionSize()) {
      throw new IllegalArgumentException("dataset of task " + data.task() + " (observations " + data.observationSize()
          + ", actions " + data.actionSize() + ") does not fit policy " + policy.architecture());
    }
  }

  private static TrainingResult completed(long steps, List<Double> losses) {
    return new TrainingResult(TrainingResult.Status.COMPLETED, steps, List.copyOf(losses), "completed");
  }

  /**
   * Runs epochs [from, to) of one stage with a fresh Adam (the PO stage of a two-step objective
   * starts from the SFT policy, not from SFT's optimiser state); returns a result only if training
   * had to stop.
   */
  private TrainingResult runEpochs(GaussianPolicy policy, PairedTrajectories data, Objective objective,
      ReferenceLikelihoods reference, int from, int to, long seed, List<Double> losses, long[] steps,
      Listener listener) {
    Adam adam = Adam.withEpsilon(policy.parameters().size(), 1e-8);
    float[] theta = policy.parameters().values();
    int pairs = data.pairs();
    for (int epoch = from; epoch < to; epoch++) {
      int[] order = pairOrder(pairs, seed, epoch);
      double lossSum = 0;
      int batches = 0;
      Objective epochObjective = objective.forEpoch(epoch, config.epochs());
      for (int first = 0; first < pairs; first += config.minibatchPairs()) {
        int[] batch = Arrays.copyOfRange(order, first, Math.min(pairs, first + config.minibatchPairs()));
        float loss = backpropagate(policy, data, batch, epochObjective, reference);
        if (!Float.isFinite(loss)) {
          return diverged(objective, epoch, steps[0], losses, "loss is " + loss);
        }
        float[] gradient = policy.parameters().takeGradients();
        double norm = Adam.clipGlobalNorm(gradient, config.maxGradNorm());
        if (!Double.isFinite(norm)) {
          return diverged(objective, epoch, steps[0], losses, "gradient norm is " + norm);
        }
        adam.step(theta, gradient, config.learningRate());
        policy.parameters().setValues(theta);
        steps[0]++;
        listener.stepDone(steps[0], loss);
        lossSum += loss;
        batches++;
      }
      double meanLoss = lossSum / batches;
      losses.add(meanLoss);
      listener.epochDone(epoch + 1, config.epochs(), meanLoss);
    }
    return null;
  }

  /**
   * The loss of one minibatch; if it is finite, its gradient is added into the policy's parameters (read
   * them with {@code takeGradients}).
   */
  float backpropagate(GaussianPolicy policy, PairedTrajectories data, int[] batch, Objective objective,
      ReferenceLikelihoods reference) {
    try (NDScope scope = new NDScope(); GradientTape tape = GradientTape.record()) {
      PackedPairs packed = PackedPairs.of(policy.parameters().manager(), data, batch);
      TrajectoryLikelihood.Evaluation likelihoods = evaluate(policy, packed);
      NDArray lossArray = objective.loss(packed.batch(likelihoods.logLikelihoods(), reference));
      float loss = lossArray.getFloat();
      if (Float.isFinite(loss)) {
        tape.backward(lossArray);
        likelihoods.backpropagate(tape);
      }
      return loss;
    }
  }

  /** The order in which epoch {@code epoch} visits the pairs, drawn from the seed. */
  static int[] pairOrder(int pairs, long seed, int epoch) {
    int[] order = new int[pairs];
    Arrays.setAll(order, i -> i);
    Permutations.shuffle(order, new SplittableRandom(Seeds.derive(seed, SHUFFLE_STREAM, epoch)));
    return order;
  }

  private static TrainingResult diverged(Objective objective, int epoch, long steps, List<Double> losses, String what) {
    return diverged(objective.name(), epoch, steps, losses, what);
  }

  static TrainingResult diverged(String objective, int epoch, long steps, List<Double> losses, String what) {
    return new TrainingResult(TrainingResult.Status.DIVERGED, steps, List.copyOf(losses),
        objective + " diverged in epoch " + (epoch + 1) + " after " + steps + " steps: " + what);
  }

  /**
   * The objective's view of some pairs exactly as a training step builds it (one forward pass over both
   * sides, no π_ref), for benchmarks and checks; call it inside an {@code NDScope}.
   *
   * @param normalizedData the dataset with observations already normalised by the policy's normaliser
   */
  public PairBatch pairBatch(GaussianPolicy policy, PairedTrajectories normalizedData, int[] pairs) {
    return pairBatch(policy, normalizedData, pairs, null);
  }

  /** Likelihoods of the chosen and rejected trajectories of some pairs, in one forward pass. */
  private PairBatch pairBatch(GaussianPolicy policy, PairedTrajectories data, int[] pairs,
      ReferenceLikelihoods reference) {
    PackedPairs packed = PackedPairs.of(policy.parameters().manager(), data, pairs);
    return packed.batch(evaluate(policy, packed).logLikelihoods(), reference);
  }

  private TrajectoryLikelihood.Evaluation evaluate(GaussianPolicy policy, PackedPairs packed) {
    return likelihood.of(policy, packed.observations(), packed.actions(), packed.lengths());
  }

  /** π_ref's likelihoods of every pair, computed once when SFT ends: π_ref never changes after. */
  ReferenceLikelihoods references(GaussianPolicy policy, PairedTrajectories data) {
    int pairs = data.pairs();
    float[][] values = new float[4][pairs];
    for (int first = 0; first < pairs; first += config.minibatchPairs()) {
      int[] batch = new int[Math.min(config.minibatchPairs(), pairs - first)];
      for (int k = 0; k < batch.length; k++) {
        batch[k] = first + k;
      }
      try (NDScope scope = new NDScope()) {
        PairBatch b = pairBatch(policy, data, batch, null);
        float[][] parts = {b.chosenSum().toFloatArray(), b.rejectedSum().toFloatArray(),
            b.chosenMean().toFloatArray(), b.rejectedMean().toFloatArray()};
        for (int v = 0; v < 4; v++) {
          System.arraycopy(parts[v], 0, values[v], first, batch.length);
        }
      }
    }
    return new ReferenceLikelihoods(values[0], values[1], values[2], values[3]);
  }
}
