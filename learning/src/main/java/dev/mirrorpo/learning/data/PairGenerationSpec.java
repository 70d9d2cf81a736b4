package dev.mirrorpo.learning.data;

import dev.mirrorpo.envs.Tasks;
import java.io.Serializable;
import java.util.List;

/**
 * Everything a worker needs to make any pair of a preference dataset; the dataset is a function of
 * it alone.
 *
 * @param task the task both sides are played and judged on
 * @param target the target agent
 * @param original the original agent
 * @param quality the kind of dataset
 * @param pairs number of pairs
 * @param length episode step limit (docs/design.md §6: 1000)
 * @param seed the dataset seed every draw derives from
 * @param temperature η of the Bradley-Terry judge
 * @param noise ε, the probability that a label is flipped (0 unless noisy)
 * @param rolloutBatch pairs rolled out together, one batch of environments per agent; part of the
 *     spec because a batch's size decides the shape of the policy's matrix products, and so their
 *     last bits
 * @param pairsPerChunk pairs a worker makes as one unit of work; runners write about one file per
 *     chunk
 */
public record PairGenerationSpec(String task, AgentSource target, AgentSource original, Quality quality, long pairs,
    int length, long seed, double temperature, double noise, int rolloutBatch, int pairsPerChunk)
    implements Serializable {
  /** Above 0.5 a flip would be the likelier outcome: the labels would mostly be reversed. */
  public static final double MAX_NOISE = 0.5;

  public PairGenerationSpec {
    Tasks.byName(task);
    new BradleyTerryJudge(temperature);
    if (!(noise >= 0 && noise <= MAX_NOISE)) {
      throw new IllegalArgumentException("label noise ε must lie in [0, " + MAX_NOISE + "], got " + noise
          + " (ε = 0.5 already makes every label a coin toss)");
    }
    if (noise > 0 && quality != Quality.NOISY) {
      throw new IllegalArgumentException("label noise ε applies to the " + Quality.NOISY + " quality only, not to "
          + quality);
    }
    if (pairs < 1 || length < 1 || rolloutBatch < 1 || pairsPerChunk < 1) {
      throw new IllegalArgumentException("pairs, length, rollout batch and pairs per chunk must each be at least 1,"
          + " got " + pairs + ", " + length + ", " + rolloutBatch + ", " + pairsPerChunk);
    }
    // Then every batch lies inside one chunk, and the batches are the same whatever the chunk size.
    if (pairsPerChunk % rolloutBatch != 0) {
      throw new IllegalArgumentException("pairs per chunk (" + pairsPerChunk + ") must be a multiple of the roll-out"
          + " batch (" + rolloutBatch + ")");
    }
  }

  public BradleyTerryJudge judge() {
    return new BradleyTerryJudge(temperature);
  }

  /** Number of chunks, the units of work of a pipeline. */
  public int chunks() {
    return Math.toIntExact((pairs + pairsPerChunk - 1) / pairsPerChunk);
  }

  /** The pairs of chunk {@code index}. */
  public PairRange chunk(int index) {
    if (index < 0 || index >= chunks()) {
      throw new IndexOutOfBoundsException("chunk " + index + " outside 0.." + (chunks() - 1));
    }
    long first = (long) index * pairsPerChunk;
    return new PairRange(first, (int) Math.min(pairsPerChunk, pairs - first));
  }

  /** The roll-out batches of chunk {@code index}. */
  public List<PairRange> rolloutBatches(int index) {
    return chunk(index).split(rolloutBatch);
  }
}
