package dev.mirrorpo.learning.mpo;

import ai.djl.ndarray.NDArray;
import dev.mirrorpo.learning.objectives.PairBatch;
import dev.mirrorpo.learning.objectives.PopulationObjective;
import java.util.List;

/**
 * K MPO objectives of one {@link MpoConfig}, e.g. one ES generation's candidates, as a {@link
 * PopulationObjective}: one pass over the batch's [K, N] likelihoods gives every member's loss.
 */
public final class MpoPopulation implements PopulationObjective {
  private final List<MpoObjective> members;
  private final boolean twoStep;

  private MpoPopulation(List<MpoObjective> members) {
    this.members = members;
    this.twoStep = members.get(0).config().twoStep();
  }

  /** @throws IllegalArgumentException if there are none or their configs differ */
  public static MpoPopulation of(List<MpoObjective> members) {
    if (members.isEmpty()) {
      throw new IllegalArgumentException("an MPO population needs at least one member");
    }
    MpoConfig config = members.get(0).config();
    for (MpoObjective member : members) {
      if (!member.config().equals(config)) {
        throw new IllegalArgumentException("the members of an MPO population share one config; got "
            + config.describe() + " and " + member.config().describe());
      }
    }
    return new MpoPopulation(List.copyOf(members));
  }

  @Override
  public String name() {
    return "mpo";
  }

  @Override
  public int size() {
    return members.size();
  }

  @Override
  public boolean needsReference() {
    return twoStep;
  }

  @Override
  public MpoPopulation forEpoch(int epoch, int epochs) {
    return new MpoPopulation(members.stream().map(member -> member.forEpoch(epoch, epochs)).toList());
  }

  @Override
  public NDArray losses(PairBatch batch) {
    long rows = batch.chosenMean().getShape().get(0);
    if (batch.chosenMean().getShape().dimension() != 2 || rows != members.size()) {
      throw new IllegalArgumentException("a population of " + members.size() + " MPO objectives needs [K, N]"
          + " likelihoods with K = " + members.size() + ", got " + batch.chosenMean().getShape());
    }
    return MpoSurrogate.pairLosses(batch, twoStep, members::get).mean(new int[] {1});
  }
}
