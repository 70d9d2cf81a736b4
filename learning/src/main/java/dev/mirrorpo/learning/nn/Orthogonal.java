package dev.mirrorpo.learning.nn;

import java.util.SplittableRandom;

/** Orthogonal initialisation (Saxe et al. 2014), computed in double precision from a seeded stream. */
public final class Orthogonal {
  private Orthogonal() {}

  /**
   * A rows × cols matrix (row-major) whose columns are orthonormal if rows ≥ cols, else whose rows
   * are, scaled by {@code gain}.
   */
  public static float[] matrix(int rows, int cols, double gain, SplittableRandom rng) {
    int tall = Math.max(rows, cols);
    int narrow = Math.min(rows, cols);
    double[][] columns = new double[narrow][tall];
    for (int c = 0; c < narrow; c++) {
      for (int r = 0; r < tall; r++) {
        columns[c][r] = rng.nextGaussian();
      }
      // Modified Gram-Schmidt against the columns before it.
      for (int previous = 0; previous < c; previous++) {
        double dot = 0;
        for (int r = 0; r < tall; r++) {
          dot += columns[c][r] * columns[previous][r];
        }
        for (int r = 0; r < tall; r++) {
          columns[c][r] -= dot * columns[previous][r];
        }
      }
      double norm = 0;
      for (int r = 0; r < tall; r++) {
        norm += columns[c][r] * columns[c][r];
      }
      norm = Math.sqrt(norm);
      for (int r = 0; r < tall; r++) {
        columns[c][r] /= norm;
      }
    }
    float[] out = new float[rows * cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        double value = rows >= cols ? columns[j][i] : columns[i][j];
        out[i * cols + j] = (float) (gain * value);
      }
    }
    return out;
  }
}
