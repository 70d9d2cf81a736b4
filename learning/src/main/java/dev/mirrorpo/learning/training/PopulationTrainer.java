package dev.mirrorpo.learning.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.mirrorpo.learning.nn.Adam;
import dev.mirrorpo.learning.nn.GradientTape;
import dev.mirrorpo.learning.objectives.PopulationObjective;
import dev.mirrorpo.learning.objectives.TrajectoryLikelihood;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.policy.PolicyPopulation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Population-batched offline training (docs/training.md): K policies that start from the same weights and see
 * the same minibatches, member k learning with objective k, trained as one batched tensor program — the
 * setting of an ES generation, whose candidates differ only in their objective. Each member follows
 * {@link OfflineTrainer}'s recipe (its own Adam, its own gradient-norm clip, its own divergence check);
 * only the arithmetic is batched, so a member's training matches its one-at-a-time training up to
 * float32 rounding (batched matrix products sum in another order).
 *
 * <p>A two-step objective's SFT stage is the same for every member, so it runs once, one-at-a-time in
 * {@link OfflineTrainer}, and the population starts from its result. A member whose loss or gradient
 * stops being finite is frozen where it was (DIVERGED) while the others go on.
 */
public final class PopulationTrainer {
  private final TrainerConfig config;
  private final TrajectoryLikelihood likelihood;

  /** Observes training. */
  public interface Listener {
    /** After each epoch, with each member's mean loss (NaN for a member that has diverged). */
    default void epochDone(int epoch, int epochs, double[] meanLosses) {}
  }

  /** The trained population (the caller closes it) and how each member's training ended. */
  public record Trained(PolicyPopulation population, List<TrainingResult> results) implements AutoCloseable {
    @Override
    public void close() {
      population.close();
    }
  }

  public PopulationTrainer(TrainerConfig config) {
    this.config = config;
    this.likelihood = new TrajectoryLikelihood(config.boxHalfWidth());
  }

  /**
   * Trains {@code objective.size()} members from {@code start} (not modified).
   *
   * @param data the dataset, with raw observations (normalised here by {@code start}'s frozen normaliser)
   */
  public Trained train(GaussianPolicy start, PairedTrajectories data, PopulationObjective objective, long seed,
      Listener listener) {
    OfflineTrainer.checkFits(start, data);
    int size = objective.size();
    PairedTrajectories normalized = data.normalized(start.normalizer());
    if (!objective.needsReference()) {
      PolicyPopulation population = PolicyPopulation.replicate(start, size);
      return new Trained(population, runEpochs(population, normalized, objective, null, 0, seed,
          new Members(objective.name(), size), listener));
    }
    try (GaussianPolicy reference = start.copy()) {
      OfflineTrainer sftTrainer = new OfflineTrainer(config);
      List<Double> sftLosses = new ArrayList<>();
      long[] sftSteps = {0};
      TrainingResult sft = sftTrainer.sftStage(reference, normalized, seed, sftLosses, sftSteps,
          new OfflineTrainer.Listener() {
            @Override
            public void epochDone(int epoch, int epochs, double meanLoss) {
              double[] losses = new double[size];
              Arrays.fill(losses, meanLoss);
              listener.epochDone(epoch, epochs, losses);
            }
          });
      PolicyPopulation population = PolicyPopulation.replicate(reference, size);
      if (sft != null) {
        return new Trained(population, Collections.nCopies(size, sft));
      }
      ReferenceLikelihoods likelihoods = sftTrainer.references(reference, normalized);
      Members members = new Members(objective.name(), size);
      members.startFrom(sftLosses, sftSteps[0]);
      return new Trained(population, runEpochs(population, normalized, objective, likelihoods, config.sftEpochs(),
          seed, members, listener));
    }
  }

  /** Epochs [from, epochs) of the population, a fresh Adam per member (as {@link OfflineTrainer}'s stages). */
  private List<TrainingResult> runEpochs(PolicyPopulation population, PairedTrajectories data,
      PopulationObjective objective, ReferenceLikelihoods reference, int from, long seed, Members members,
      Listener listener) {
    int size = population.size();
    Adam[] adams = new Adam[size];
    float[][] theta = new float[size][];
    for (int k = 0; k < size; k++) {
      adams[k] = Adam.withEpsilon(population.memberLength(), 1e-8);
      theta[k] = population.memberValues(k);
    }
    int pairs = data.pairs();
    for (int epoch = from; epoch < config.epochs() && members.anyTraining(); epoch++) {
      int[] order = OfflineTrainer.pairOrder(pairs, seed, epoch);
      PopulationObjective epochObjective = objective.forEpoch(epoch, config.epochs());
      members.startEpoch();
      for (int first = 0; first < pairs && members.anyTraining(); first += config.minibatchPairs()) {
        int[] batch = Arrays.copyOfRange(order, first, Math.min(pairs, first + config.minibatchPairs()));
        float[] losses = backpropagate(population, data, batch, epochObjective, reference);
        float[][] gradients = population.takeMemberGradients();
        for (int k = 0; k < size; k++) {
          if (!members.training(k)) {
            continue;
          }
          if (!Float.isFinite(losses[k])) {
            members.diverge(k, epoch, "loss is " + losses[k]);
            continue;
          }
          double norm = Adam.clipGlobalNorm(gradients[k], config.maxGradNorm());
          if (!Double.isFinite(norm)) {
            members.diverge(k, epoch, "gradient norm is " + norm);
            continue;
          }
          adams[k].step(theta[k], gradients[k], config.learningRate());
          members.stepDone(k, losses[k]);
        }
        population.setMemberValues(theta);
      }
      listener.epochDone(epoch + 1, config.epochs(), members.endEpoch());
    }
    return members.results();
  }

  /**
   * Each member's loss on one minibatch, and their gradients added into the population's parameters (read
   * them with {@code takeMemberGradients}); a member whose loss is not finite gets a non-finite gradient.
   */
  float[] backpropagate(PolicyPopulation population, PairedTrajectories data, int[] batch,
      PopulationObjective objective, ReferenceLikelihoods reference) {
    try (NDScope scope = new NDScope(); GradientTape tape = GradientTape.record()) {
      PackedPairs packed = PackedPairs.of(population.manager(), data, batch);
      TrajectoryLikelihood.Evaluation likelihoods = likelihood.ofActionMeans(
          population.actionMeans(packed.observations()), population.logStd(), packed.actions(), packed.lengths());
      NDArray memberLosses = objective.losses(packed.batch(likelihoods.logLikelihoods(), reference));
      float[] losses = memberLosses.toFloatArray();
      // Members share no parameters, so one backward pass of the sum gives each its own gradient.
      tape.backward(memberLosses.sum());
      likelihoods.backpropagate(tape);
      return losses;
    }
  }

  /** Each member's progress: steps, epoch losses, and whether it is still training. */
  private static final class Members {
    private final String objective;
    private final long[] steps;
    private final List<List<Double>> epochLosses = new ArrayList<>();
    private final TrainingResult[] diverged;
    private final double[] lossSums;
    private final int[] batches;

    Members(String objective, int size) {
      this.objective = objective;
      steps = new long[size];
      diverged = new TrainingResult[size];
      lossSums = new double[size];
      batches = new int[size];
      for (int k = 0; k < size; k++) {
        epochLosses.add(new ArrayList<>());
      }
    }

    /** Every member continues a shared first stage. */
    void startFrom(List<Double> losses, long stageSteps) {
      for (int k = 0; k < steps.length; k++) {
        epochLosses.get(k).addAll(losses);
        steps[k] = stageSteps;
      }
    }

    boolean training(int k) {
      return diverged[k] == null;
    }

    boolean anyTraining() {
      for (TrainingResult result : diverged) {
        if (result == null) {
          return true;
        }
      }
      return false;
    }

    void startEpoch() {
      Arrays.fill(lossSums, 0);
      Arrays.fill(batches, 0);
    }

    void stepDone(int k, double loss) {
      steps[k]++;
      lossSums[k] += loss;
      batches[k]++;
    }

    void diverge(int k, int epoch, String what) {
      diverged[k] = OfflineTrainer.diverged(objective, epoch, steps[k], epochLosses.get(k), what);
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
            List.copyOf(epochLosses.get(k)), "completed") : diverged[k]);
      }
      return results;
    }
  }
}
