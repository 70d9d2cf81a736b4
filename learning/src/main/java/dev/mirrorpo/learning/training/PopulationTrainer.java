package dev.mirrorpo.learning.training;

import dev.mirrorpo.learning.objectives.PopulationObjective;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.policy.PolicyPopulation;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Population-batched offline training (docs/training.md): K policies that start from the same weights and see
 * the same minibatches, member k learning with objective k, trained as one batched tensor program — the
 * setting of an ES generation, whose candidates differ only in their objective. The steps are
 * {@link TrainingLoop}'s, as {@link OfflineTrainer}'s: each member has its own Adam, its own gradient-norm clip
 * and its own divergence check. Only the arithmetic is batched, and each member's part of it is computed as
 * one policy's is, so a member trains to the same bits as alone and whatever its batch mates
 * (PopulationTrainerTest; docs/training.md says why).
 *
 * <p>A two-step objective's SFT stage is the same for every member, so it runs once, on one policy, and the
 * population starts from its result. A member whose loss or gradient stops being finite is frozen where it was
 * (DIVERGED) while the others go on.
 */
public final class PopulationTrainer {
  private final TrainerConfig config;
  private final TrainingLoop loop;

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
    this.loop = new TrainingLoop(config);
  }

  /**
   * Trains {@code objective.size()} members from {@code start} (not modified).
   *
   * @param data the dataset, with raw observations (normalised here by {@code start}'s frozen normaliser)
   */
  public Trained train(GaussianPolicy start, PairedTrajectories data, PopulationObjective objective, long seed,
      Listener listener) {
    TrainingLoop.checkFits(start, data);
    int size = objective.size();
    PairedTrajectories normalized = data.normalized(start.normalizer());
    TrainingLoop.Listener perMember = new TrainingLoop.Listener() {
      @Override
      public void epochDone(int epoch, int epochs, double[] meanLosses) {
        listener.epochDone(epoch, epochs, meanLosses);
      }
    };
    if (!objective.needsReference()) {
      PolicyPopulation population = PolicyPopulation.replicate(start, size);
      return new Trained(population, loop.run(new TrainingLoop.Stage(TrainingLoop.Policies.of(population),
          normalized, objective, null, 0, config.epochs(), seed), TrainingLoop.START, perMember));
    }
    try (GaussianPolicy reference = start.copy()) {
      TrainingResult sft = loop.sft(reference, normalized, seed, new TrainingLoop.Listener() {
        @Override
        public void epochDone(int epoch, int epochs, double[] meanLosses) {
          double[] everyMember = new double[size];
          Arrays.fill(everyMember, meanLosses[0]);
          listener.epochDone(epoch, epochs, everyMember);
        }
      });
      PolicyPopulation population = PolicyPopulation.replicate(reference, size);
      if (!sft.completed()) {
        return new Trained(population, Collections.nCopies(size, sft));
      }
      return new Trained(population, loop.run(new TrainingLoop.Stage(TrainingLoop.Policies.of(population),
          normalized, objective, loop.references(reference, normalized), config.sftEpochs(), config.epochs(), seed),
          sft, perMember));
    }
  }
}
