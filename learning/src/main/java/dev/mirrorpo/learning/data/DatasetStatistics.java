package dev.mirrorpo.learning.data;

import dev.mirrorpo.schemas.PreferencePair;
import dev.mirrorpo.schemas.Trajectory;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** What a preference dataset holds, accumulated row by row: counts, label quality, returns. */
public final class DatasetStatistics {
  private long pairs;
  private long flipped;
  private long agreeing;
  private long ties;
  private double chosenReturnSum;
  private double rejectedReturnSum;
  private long stepSum;
  private final Map<String, Long> pairTypes = new LinkedHashMap<>();
  private final Map<String, double[]> returnsByAgent = new TreeMap<>();
  private final BitSet seenIndices = new BitSet();
  private long duplicates;
  private long outOfRange;

  public DatasetStatistics() {
    for (PairType type : PairType.values()) {
      pairTypes.put(type.label(), 0L);
    }
  }

  public void add(PreferencePair row) {
    pairs++;
    flipped += row.getFlipped() ? 1 : 0;
    Trajectory chosen = row.getChosen();
    Trajectory rejected = row.getRejected();
    if (chosen.getTrueReturn() > rejected.getTrueReturn()) {
      agreeing++;
    } else if (chosen.getTrueReturn() == rejected.getTrueReturn()) {
      ties++;
    }
    chosenReturnSum += chosen.getTrueReturn();
    rejectedReturnSum += rejected.getTrueReturn();
    stepSum += chosen.getLength() + rejected.getLength();
    pairTypes.merge(row.getPairType(), 1L, Long::sum);
    for (Trajectory side : new Trajectory[] {chosen, rejected}) {
      double[] sumAndCount = returnsByAgent.computeIfAbsent(side.getAgent(), agent -> new double[2]);
      sumAndCount[0] += side.getTrueReturn();
      sumAndCount[1]++;
    }
    long index = row.getPairIndex();
    if (index < 0 || index >= Integer.MAX_VALUE) {
      outOfRange++;
    } else if (seenIndices.get((int) index)) {
      duplicates++;
    } else {
      seenIndices.set((int) index);
    }
  }

  public long pairs() {
    return pairs;
  }

  public long flipped() {
    return flipped;
  }

  public double flipRate() {
    return pairs == 0 ? 0 : (double) flipped / pairs;
  }

  /** Fraction of pairs whose chosen side has the higher true return; a tie counts half. */
  public double agreementWithReturns() {
    return pairs == 0 ? 0 : (agreeing + 0.5 * ties) / pairs;
  }

  public double meanChosenReturn() {
    return pairs == 0 ? 0 : chosenReturnSum / pairs;
  }

  public double meanRejectedReturn() {
    return pairs == 0 ? 0 : rejectedReturnSum / pairs;
  }

  /** Mean steps per trajectory. */
  public double meanLength() {
    return pairs == 0 ? 0 : stepSum / (2.0 * pairs);
  }

  /** Pairs per pair type (target-target, target-original, original-original). */
  public Map<String, Long> pairTypeCounts() {
    return new LinkedHashMap<>(pairTypes);
  }

  /** Mean true return of the trajectories each agent role played, over both sides. */
  public Map<String, Double> meanReturnByAgent() {
    Map<String, Double> means = new TreeMap<>();
    returnsByAgent.forEach((agent, sumAndCount) -> means.put(agent, sumAndCount[0] / sumAndCount[1]));
    return means;
  }

  /**
   * Whether the rows are exactly the pairs 0 .. expected − 1, each once.
   *
   * @return null if so, else what is wrong
   */
  public String completenessProblem(long expected) {
    if (duplicates > 0 || outOfRange > 0) {
      return duplicates + " duplicated and " + outOfRange + " out-of-range pair indices";
    }
    int present = seenIndices.cardinality();
    if (present != expected || (expected > 0 && seenIndices.length() != expected)) {
      return present + " distinct pairs of the expected " + expected
          + (seenIndices.length() > expected ? ", some with indices beyond the expected range" : "");
    }
    return null;
  }
}
