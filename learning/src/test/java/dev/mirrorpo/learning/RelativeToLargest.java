package dev.mirrorpo.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two computations of the same array (outputs, gradients) that round differently agree when their largest
 * difference is a small fraction of the largest component: small components carry the large ones' absolute
 * rounding, so an element-wise relative bound would fail on them.
 */
public final class RelativeToLargest {
  private RelativeToLargest() {}

  public static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
    assertEquals(expected.length, actual.length, what + ": lengths");
    double scale = 0;
    double largestError = 0;
    for (int i = 0; i < expected.length; i++) {
      scale = Math.max(scale, Math.abs(expected[i]));
      largestError = Math.max(largestError, Math.abs(expected[i] - actual[i]));
    }
    assertTrue(scale > 0, what + ": not all zero");
    assertTrue(largestError <= tolerance * scale,
        what + ": largest difference " + largestError + " of a largest component " + scale);
  }
}
