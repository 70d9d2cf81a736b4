package dev.mirrorpo.learning.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.mirrorpo.learning.nn.GradientTape;
import dev.mirrorpo.learning.Permutations;
import dev.mirrorpo.learning.Seeds;
import dev.mirrorpo.learning.nn.Adam;
import dev.mirrorpo.learning.objectives.Objective;
import dev.mirrorpo.learning.objectives.Objectives;
import dev.mirrorpo.learning.objectives.PairBatch;
import dev.mirrorpo.learning.objectives.TrajectoryLikelihood;
import dev.mirrorpo.learning.objectives.TrajectoryLikelihood.LogLikelihoods;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a policy offline on a preference dataset with one objective (DESIGN §7): one-step
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
    if (data.observationSize() != policy.architecture().observationSize()
        || data.actionSize() != policy.architecture().actionSize()) {
      throw new IllegalArgumentException("dataset of task " + data.task() + " (observations " + data.observationSize()
          + ", actions " + data.actionSize() + ") does not fit policy " + policy.architecture());
    }
    PairedTrajectories normalized = data.normalized(policy.normalizer());
    List<Double> losses = new ArrayList<>();
    long[] steps = {0};

    Objective firstStage = objective.needsReference() ? Objectives.create("sft", Map.of()) : objective;
    int firstEpochs = objective.needsReference() ? config.sftEpochs() : config.epochs();
    TrainingResult result = runEpochs(policy, normalized, firstStage, null, 0, firstEpochs, seed, losses, steps,
        listener);
    if (result != null || !objective.needsReference()) {
      return result != null ? result : completed(steps[0], losses);
    }
    References reference = references(policy, normalized);
    result = runEpochs(policy, normalized, objective, reference, firstEpochs, config.epochs(), seed, losses, steps,
        listener);
    return result != null ? result : completed(steps[0], losses);
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
      References reference, int from, int to, long seed, List<Double> losses, long[] steps, Listener listener) {
    Adam adam = Adam.withEpsilon(policy.parameters().size(), 1e-8);
    float[] theta = policy.parameters().values();
    int pairs = data.pairs();
    int[] order = new int[pairs];
    for (int epoch = from; epoch < to; epoch++) {
      Arrays.setAll(order, i -> i);
      Permutations.shuffle(order, new SplittableRandom(Seeds.derive(seed, SHUFFLE_STREAM, epoch)));
      double lossSum = 0;
      int batches = 0;
      Objective epochObjective = objective.forEpoch(epoch, config.epochs());
      for (int first = 0; first < pairs; first += config.minibatchPairs()) {
        int[] batch = Arrays.copyOfRange(order, first, Math.min(pairs, first + config.minibatchPairs()));
        float loss;
        try (NDScope scope = new NDScope()) {
          try (GradientTape tape = GradientTape.record()) {
            NDArray lossArray = epochObjective.loss(pairBatch(policy, data, batch, reference));
            loss = lossArray.getFloat();
            if (!Float.isFinite(loss)) {
              policy.parameters().takeGradients(); // nothing was backpropagated; keep the state clean
              return diverged(objective, epoch, steps[0], losses, "loss is " + loss);
            }
            tape.backward(lossArray);
          }
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

  private static TrainingResult diverged(Objective objective, int epoch, long steps, List<Double> losses, String what) {
    return new TrainingResult(TrainingResult.Status.DIVERGED, steps, List.copyOf(losses),
        objective.name() + " diverged in epoch " + (epoch + 1) + " after " + steps + " steps: " + what);
  }

  /** Likelihoods of the chosen and rejected trajectories of some pairs, in one forward pass. */
  private PairBatch pairBatch(GaussianPolicy policy, PairedTrajectories data, int[] pairs, References reference) {
    int n = pairs.length;
    int[] lengths = new int[2 * n];
    PairedTrajectories.Side[] sides = {data.chosen(), data.rejected()};
    int rows = 0;
    for (int s = 0; s < 2; s++) {
      for (int k = 0; k < n; k++) {
        lengths[s * n + k] = sides[s].lengths()[pairs[k]];
        rows += lengths[s * n + k];
      }
    }
    int obsSize = data.observationSize();
    int actSize = data.actionSize();
    float[] observations = new float[rows * obsSize];
    float[] actions = new float[rows * actSize];
    int row = 0;
    for (int s = 0; s < 2; s++) {
      for (int k = 0; k < n; k++) {
        int offset = sides[s].offsets()[pairs[k]];
        int length = sides[s].lengths()[pairs[k]];
        System.arraycopy(sides[s].observations(), offset * obsSize, observations, row * obsSize, length * obsSize);
        System.arraycopy(sides[s].actions(), offset * actSize, actions, row * actSize, length * actSize);
        row += length;
      }
    }
    NDManager manager = policy.parameters().manager();
    NDArray obs = manager.create(observations, new Shape(rows, obsSize));
    NDArray act = manager.create(actions, new Shape(rows, actSize));
    LogLikelihoods both = likelihood.of(policy, obs, act, lengths);
    LogLikelihoods chosen = new LogLikelihoods(both.sum().get(new NDIndex("0:" + n)), both.mean().get(new NDIndex("0:" + n)));
    LogLikelihoods rejected = new LogLikelihoods(both.sum().get(new NDIndex(n + ":")), both.mean().get(new NDIndex(n + ":")));
    float[] chosenLengths = new float[n];
    float[] rejectedLengths = new float[n];
    for (int k = 0; k < n; k++) {
      chosenLengths[k] = lengths[k];
      rejectedLengths[k] = lengths[n + k];
    }
    PairBatch.Reference ref = reference == null ? null : reference.of(manager, pairs);
    return PairBatch.of(chosen, rejected, manager.create(chosenLengths), manager.create(rejectedLengths), ref);
  }

  /** π_ref's likelihoods of every pair, computed once when SFT ends: π_ref never changes after. */
  private References references(GaussianPolicy policy, PairedTrajectories data) {
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
    return new References(values[0], values[1], values[2], values[3]);
  }

  private record References(float[] chosenSum, float[] rejectedSum, float[] chosenMean, float[] rejectedMean) {
    PairBatch.Reference of(NDManager manager, int[] pairs) {
      return new PairBatch.Reference(pick(manager, chosenSum, pairs), pick(manager, rejectedSum, pairs),
          pick(manager, chosenMean, pairs), pick(manager, rejectedMean, pairs));
    }

    private static NDArray pick(NDManager manager, float[] values, int[] pairs) {
      float[] picked = new float[pairs.length];
      for (int k = 0; k < pairs.length; k++) {
        picked[k] = values[pairs[k]];
      }
      return manager.create(picked);
    }
  }
}
