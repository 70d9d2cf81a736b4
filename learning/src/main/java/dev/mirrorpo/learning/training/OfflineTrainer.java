package dev.mirrorpo.learning.training;

import dev.mirrorpo.learning.objectives.Objective;
import dev.mirrorpo.learning.objectives.PairBatch;
import dev.mirrorpo.learning.policy.GaussianPolicy;

/**
 * Trains a policy offline on a preference dataset with one objective (docs/design.md §8): one-step
 * objectives optimise their loss for every epoch; two-step ones train SFT first, freeze that policy
 * as π_ref, and then optimise their loss against it. The steps are {@link TrainingLoop}'s with one member.
 * The policy's observation normaliser stays frozen.
 */
public final class OfflineTrainer {
  private final TrainerConfig config;
  private final TrainingLoop loop;

  /** Observes training. */
  public interface Listener {
    /** After each gradient step, with that minibatch's loss (steps count from 1 over both stages). */
    default void stepDone(long step, double loss) {}

    /** After each epoch, with its mean loss. */
    default void epochDone(int epoch, int epochs, double meanLoss) {}
  }

  public OfflineTrainer(TrainerConfig config) {
    this.config = config;
    this.loop = new TrainingLoop(config);
  }

  /**
   * Trains {@code policy} in place.
   *
   * @param data the dataset, with raw observations (normalised here by the policy's frozen normaliser)
   */
  public TrainingResult train(GaussianPolicy policy, PairedTrajectories data, Objective objective, long seed,
      Listener listener) {
    TrainingLoop.checkFits(policy, data);
    PairedTrajectories normalized = data.normalized(policy.normalizer());
    TrainingLoop.Listener progress = new TrainingLoop.Listener() {
      @Override
      public void stepDone(int member, long step, double loss) {
        listener.stepDone(step, loss);
      }

      @Override
      public void epochDone(int epoch, int epochs, double[] meanLosses) {
        listener.epochDone(epoch, epochs, meanLosses[0]);
      }
    };
    TrainingLoop.Policies trained = TrainingLoop.Policies.of(policy);
    if (!objective.needsReference()) {
      return loop.run(new TrainingLoop.Stage(trained, normalized, TrainingLoop.one(objective), null, 0,
          config.epochs(), seed), TrainingLoop.START, progress).get(0);
    }
    TrainingResult sft = loop.sft(policy, normalized, seed, progress);
    if (!sft.completed()) {
      return sft;
    }
    return loop.run(new TrainingLoop.Stage(trained, normalized, TrainingLoop.one(objective),
        loop.references(policy, normalized), config.sftEpochs(), config.epochs(), seed), sft, progress).get(0);
  }

  /**
   * The objective's view of some pairs exactly as a training step builds it (one forward pass over both
   * sides, no π_ref), for benchmarks and checks; call it inside an {@code NDScope}.
   *
   * @param normalizedData the dataset with observations already normalised by the policy's normaliser
   */
  public PairBatch pairBatch(GaussianPolicy policy, PairedTrajectories normalizedData, int[] pairs) {
    return loop.pairBatch(policy, normalizedData, pairs);
  }
}
