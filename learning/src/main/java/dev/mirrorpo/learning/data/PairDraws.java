package dev.mirrorpo.learning.data;

import dev.mirrorpo.learning.Seeds;
import java.util.SplittableRandom;

/**
 * Every random choice of one pair, each derived from (dataset seed, purpose, pair index) alone, so
 * a pair comes out the same whichever worker makes it, in whatever batch, in whatever order.
 *
 * @param startSeed the start state both sides reset from
 * @param roles the agent playing side 0 and side 1 (the judge sees the sides in this order)
 * @param noiseSeeds the action-noise stream of side 0 and side 1; different, so that two sides
 *     played by the same agent differ
 * @param judgeDraw the judge's uniform draw in [0, 1)
 * @param flipDraw the label-noise uniform draw in [0, 1): the label flips when it is below ε
 */
public record PairDraws(long pairIndex, long startSeed, AgentRole[] roles, long[] noiseSeeds, double judgeDraw,
    double flipDraw) {
  private static final long START_STATE = 1;
  private static final long AGENTS = 2;
  private static final long ACTION_NOISE = 3;
  private static final long JUDGE = 4;
  private static final long FLIP = 5;

  /**
   * The draws of pair {@code pairIndex}. Only the agents depend on the quality: mixed draws each
   * side's agent; the others put the target on a random side. So base, noisy and poor-judge
   * datasets of one seed hold the same trajectories and differ only in their labels.
   */
  public static PairDraws of(long seed, Quality quality, long pairIndex) {
    SplittableRandom agents = new SplittableRandom(Seeds.derive(seed, AGENTS, pairIndex));
    AgentRole[] roles;
    if (quality == Quality.MIXED) {
      roles = new AgentRole[] {uniformRole(agents), uniformRole(agents)};
    } else {
      roles = agents.nextBoolean()
          ? new AgentRole[] {AgentRole.TARGET, AgentRole.ORIGINAL}
          : new AgentRole[] {AgentRole.ORIGINAL, AgentRole.TARGET};
    }
    return new PairDraws(pairIndex,
        Seeds.derive(seed, START_STATE, pairIndex),
        roles,
        new long[] {Seeds.derive(seed, ACTION_NOISE, pairIndex, 0), Seeds.derive(seed, ACTION_NOISE, pairIndex, 1)},
        new SplittableRandom(Seeds.derive(seed, JUDGE, pairIndex)).nextDouble(),
        new SplittableRandom(Seeds.derive(seed, FLIP, pairIndex)).nextDouble());
  }

  private static AgentRole uniformRole(SplittableRandom random) {
    return random.nextBoolean() ? AgentRole.TARGET : AgentRole.ORIGINAL;
  }
}
