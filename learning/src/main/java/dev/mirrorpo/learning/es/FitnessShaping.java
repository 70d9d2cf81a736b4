package dev.mirrorpo.learning.es;

import java.util.Arrays;
import java.util.Comparator;

/**
 * How raw fitness values become the weights of the gradient estimate. A failed candidate (fitness NaN or
 * −∞) always gets the worst value; +∞ is refused as a bug in the caller's fitness. Pure functions.
 */
public enum FitnessShaping {
  /**
   * Centred ranks (Salimans et al. 2017): the rank r ∈ [0, n−1] (0 = worst) becomes r/(n−1) − 0.5, so the
   * values lie in [−0.5, 0.5] and sum to 0. Tied fitness values share the mean of their ranks; all failed
   * candidates tie with each other below every successful one.
   */
  CENTRED_RANKS {
    @Override
    public double[] shape(double[] fitness) {
      double[] keys = keys(fitness);
      int n = keys.length;
      double[] shaped = new double[n];
      if (n == 1) {
        return shaped;
      }
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      Arrays.sort(order, Comparator.comparingDouble(i -> keys[i]));
      int start = 0;
      while (start < n) {
        int end = start;
        while (end + 1 < n && keys[order[end + 1]] == keys[order[start]]) {
          end++;
        }
        double rank = (start + end) / 2.0;
        double value = rank / (n - 1) - 0.5;
        for (int k = start; k <= end; k++) {
          shaped[order[k]] = value;
        }
        start = end + 1;
      }
      return shaped;
    }
  },

  /**
   * (f − mean) / std over all candidates (population std, divisor n). Failed candidates first take the
   * worst successful fitness, so they tie for the lowest score and the result keeps mean 0 and std 1. All
   * values 0 when every fitness is equal or every candidate failed.
   */
  Z_SCORE {
    @Override
    public double[] shape(double[] fitness) {
      double[] keys = keys(fitness);
      int n = keys.length;
      double worst = Double.POSITIVE_INFINITY;
      for (double k : keys) {
        if (k != Double.NEGATIVE_INFINITY) {
          worst = Math.min(worst, k);
        }
      }
      double[] shaped = new double[n];
      if (worst == Double.POSITIVE_INFINITY) {
        return shaped;
      }
      double[] values = new double[n];
      double sum = 0;
      for (int i = 0; i < n; i++) {
        values[i] = keys[i] == Double.NEGATIVE_INFINITY ? worst : keys[i];
        sum += values[i];
      }
      double mean = sum / n;
      double squares = 0;
      for (double v : values) {
        squares += (v - mean) * (v - mean);
      }
      double std = Math.sqrt(squares / n);
      if (std == 0 || !Double.isFinite(std)) {
        return shaped;
      }
      for (int i = 0; i < n; i++) {
        shaped[i] = (values[i] - mean) / std;
      }
      return shaped;
    }
  };

  /**
   * The shaped values, indexed like {@code fitness}.
   *
   * @throws IllegalArgumentException if a fitness is +∞ or there are none
   */
  public abstract double[] shape(double[] fitness);

  /** Whether a fitness value marks a failed candidate (NaN or −∞). */
  public static boolean failed(double fitness) {
    return Double.isNaN(fitness) || fitness == Double.NEGATIVE_INFINITY;
  }

  /** Fitness with every failure as −∞, so that failures sort below everything and equal each other. */
  private static double[] keys(double[] fitness) {
    if (fitness.length == 0) {
      throw new IllegalArgumentException("no fitness values to shape");
    }
    double[] keys = new double[fitness.length];
    for (int i = 0; i < fitness.length; i++) {
      double f = fitness[i];
      if (f == Double.POSITIVE_INFINITY) {
        throw new IllegalArgumentException("fitness[" + i + "] is +Infinity; a fitness must be finite, or NaN or"
            + " -Infinity for a failed candidate");
      }
      keys[i] = failed(f) ? Double.NEGATIVE_INFINITY : f;
    }
    return keys;
  }
}
