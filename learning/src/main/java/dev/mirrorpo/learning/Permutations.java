package dev.mirrorpo.learning;

import java.util.SplittableRandom;

/** In-place Fisher-Yates shuffles drawn from a seeded stream, so an order is a function of its seed. */
public final class Permutations {
  private Permutations() {}

  public static void shuffle(int[] order, SplittableRandom rng) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
  }
}
