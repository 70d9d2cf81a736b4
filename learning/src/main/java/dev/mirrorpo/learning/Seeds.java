package dev.mirrorpo.learning;

/**
 * Seeds derived from a run's seed and a path of indices (iteration, episode, ...), so that any
 * piece of randomness can be regenerated on its own without replaying a stream.
 */
public final class Seeds {
  private Seeds() {}

  public static long derive(long seed, long... path) {
    long state = mix(seed);
    for (long index : path) {
      state = mix(state ^ mix(index + 0x632BE59BD9B4E019L));
    }
    return state;
  }

  /** SplitMix64's finaliser: a bijection that spreads every input bit over the output. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
