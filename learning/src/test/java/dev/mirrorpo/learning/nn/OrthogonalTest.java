package dev.mirrorpo.learning.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OrthogonalTest {

  @ParameterizedTest
  @CsvSource({"11, 4, 1.0", "4, 11, 1.4142135623730951", "64, 64, 0.01", "1, 1, 2.0"})
  void shorterSideIsOrthonormalTimesTheGain(int rows, int cols, double gain) {
    float[] w = Orthogonal.matrix(rows, cols, gain, new SplittableRandom(5));
    assertEquals(rows * cols, w.length);
    // Gram matrix of the columns (rows ≥ cols) or of the rows (rows < cols): gain² · I.
    int narrow = Math.min(rows, cols);
    int tall = Math.max(rows, cols);
    for (int a = 0; a < narrow; a++) {
      for (int b = 0; b < narrow; b++) {
        double dot = 0;
        for (int k = 0; k < tall; k++) {
          dot += rows >= cols ? (double) w[k * cols + a] * w[k * cols + b] : (double) w[a * cols + k] * w[b * cols + k];
        }
        assertEquals(a == b ? gain * gain : 0.0, dot, 1e-5 * gain * gain, "entry (" + a + ", " + b + ")");
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"11, 4", "4, 11"})
  void theSeedDeterminesTheMatrix(int rows, int cols) {
    float[] first = Orthogonal.matrix(rows, cols, 1.0, new SplittableRandom(5));
    assertArrayEquals(first, Orthogonal.matrix(rows, cols, 1.0, new SplittableRandom(5)));
    assertFalse(Arrays.equals(first, Orthogonal.matrix(rows, cols, 1.0, new SplittableRandom(6))));
  }
}
