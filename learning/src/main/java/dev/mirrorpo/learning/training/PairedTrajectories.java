package dev.mirrorpo.learning.training;

import dev.mirrorpo.learning.policy.ObservationNormalizer;
import dev.mirrorpo.learning.policy.RunningMeanVar;
import java.util.Arrays;

/**
 * A preference dataset in memory, in the compact form the trainer slices minibatches from: for each
 * side (chosen, rejected) all trajectories' observations and raw actions one after the other, with
 * the offset and length of each pair's trajectory. Loaded once and shared read-only.
 */
public final class PairedTrajectories {
  private final String task;
  private final int observationSize;
  private final int actionSize;
  private final Side chosen;
  private final Side rejected;

  /** One side of every pair: rows of pair i are [offsets[i], offsets[i] + lengths[i]). */
  public record Side(float[] observations, float[] actions, int[] offsets, int[] lengths) {
    public int steps() {
      return Arrays.stream(lengths).sum();
    }
  }

  public PairedTrajectories(String task, int observationSize, int actionSize, Side chosen, Side rejected) {
    if (chosen.lengths().length != rejected.lengths().length) {
      throw new IllegalArgumentException("chosen and rejected sides hold " + chosen.lengths().length + " and "
          + rejected.lengths().length + " trajectories");
    }
    for (Side side : new Side[] {chosen, rejected}) {
      int steps = side.steps();
      if (side.observations().length != steps * observationSize || side.actions().length != steps * actionSize) {
        throw new IllegalArgumentException("a side of " + steps + " steps holds " + side.observations().length
            + " observation values and " + side.actions().length + " action values; expected "
            + steps * observationSize + " and " + steps * actionSize);
      }
      if (Arrays.stream(side.lengths()).anyMatch(length -> length < 1)) {
        throw new IllegalArgumentException("every trajectory needs at least one step");
      }
    }
    this.task = task;
    this.observationSize = observationSize;
    this.actionSize = actionSize;
    this.chosen = chosen;
    this.rejected = rejected;
  }

  /** Builds a dataset pair by pair. */
  public static Builder builder(String task, int observationSize, int actionSize) {
    return new Builder(task, observationSize, actionSize);
  }

  public String task() {
    return task;
  }

  public int observationSize() {
    return observationSize;
  }

  public int actionSize() {
    return actionSize;
  }

  public int pairs() {
    return chosen.lengths().length;
  }

  public Side chosen() {
    return chosen;
  }

  public Side rejected() {
    return rejected;
  }

  /**
   * Mean and variance of every observation of both sides: the frozen normaliser of a policy that
   * starts from scratch on this dataset (it sees no environment, only the data).
   */
  public RunningMeanVar observationStatistics() {
    RunningMeanVar statistics = new RunningMeanVar(observationSize);
    statistics.update(chosen.observations(), chosen.steps());
    statistics.update(rejected.observations(), rejected.steps());
    return statistics;
  }

  /** The same dataset with every observation normalised by {@code normalizer} (frozen during training). */
  public PairedTrajectories normalized(ObservationNormalizer normalizer) {
    return new PairedTrajectories(task, observationSize, actionSize, normalizedSide(chosen, normalizer),
        normalizedSide(rejected, normalizer));
  }

  private static Side normalizedSide(Side side, ObservationNormalizer normalizer) {
    return new Side(normalizer.normalize(side.observations()), side.actions(), side.offsets(), side.lengths());
  }

  /** Accumulates pairs; each trajectory is given as flat row-major arrays. */
  public static final class Builder {
    private final String task;
    private final int observationSize;
    private final int actionSize;
    private final SideBuilder chosen = new SideBuilder();
    private final SideBuilder rejected = new SideBuilder();

    private Builder(String task, int observationSize, int actionSize) {
      this.task = task;
      this.observationSize = observationSize;
      this.actionSize = actionSize;
    }

    public Builder add(float[] chosenObservations, float[] chosenActions, float[] rejectedObservations,
        float[] rejectedActions) {
      chosen.add(chosenObservations, chosenActions, observationSize, actionSize);
      rejected.add(rejectedObservations, rejectedActions, observationSize, actionSize);
      return this;
    }

    public PairedTrajectories build() {
      return new PairedTrajectories(task, observationSize, actionSize, chosen.build(), rejected.build());
    }
  }

  private static final class SideBuilder {
    private float[] observations = new float[1024];
    private float[] actions = new float[256];
    private int[] offsets = new int[16];
    private int[] lengths = new int[16];
    private int pairs;
    private int steps;
    private int observationValues;
    private int actionValues;

    void add(float[] obs, float[] act, int observationSize, int actionSize) {
      int length = act.length / actionSize;
      if (obs.length != length * observationSize || act.length != length * actionSize || length < 1) {
        throw new IllegalArgumentException("a trajectory of " + obs.length + " observation values and "
            + act.length + " action values is not T × " + observationSize + " and T × " + actionSize);
      }
      if (pairs == offsets.length) {
        offsets = Arrays.copyOf(offsets, pairs * 2);
        lengths = Arrays.copyOf(lengths, pairs * 2);
      }
      observations = ensure(observations, (steps + length) * observationSize);
      actions = ensure(actions, (steps + length) * actionSize);
      System.arraycopy(obs, 0, observations, observationValues, obs.length);
      System.arraycopy(act, 0, actions, actionValues, act.length);
      offsets[pairs] = steps;
      lengths[pairs] = length;
      pairs++;
      steps += length;
      observationValues += obs.length;
      actionValues += act.length;
    }

    Side build() {
      return new Side(Arrays.copyOf(observations, observationValues), Arrays.copyOf(actions, actionValues),
          Arrays.copyOf(offsets, pairs), Arrays.copyOf(lengths, pairs));
    }

    private static float[] ensure(float[] array, int size) {
      return array.length >= size ? array : Arrays.copyOf(array, Math.max(size, array.length * 2));
    }
  }
}
