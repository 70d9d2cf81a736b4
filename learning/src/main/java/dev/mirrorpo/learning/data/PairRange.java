package dev.mirrorpo.learning.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** The pairs first, first + 1, ..., first + count − 1 of a dataset. */
public record PairRange(long first, int count) implements Serializable {
  public PairRange {
    if (first < 0 || count < 1) {
      throw new IllegalArgumentException("invalid pair range: first " + first + ", count " + count);
    }
  }

  /** Consecutive ranges of {@code size} pairs (the last may be shorter) covering this one. */
  public List<PairRange> split(int size) {
    List<PairRange> parts = new ArrayList<>();
    for (int offset = 0; offset < count; offset += size) {
      parts.add(new PairRange(first + offset, Math.min(size, count - offset)));
    }
    return parts;
  }
}
