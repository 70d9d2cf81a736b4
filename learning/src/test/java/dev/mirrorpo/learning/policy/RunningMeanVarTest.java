package dev.mirrorpo.learning.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RunningMeanVarTest {

  @Test
  void batchByBatchEqualsThePooledStatisticsOfAllDataAndThePrior() {
    int size = 2;
    int[] batchSizes = {1, 7, 300, 50};
    SplittableRandom rng = new SplittableRandom(3);
    RunningMeanVar statistics = new RunningMeanVar(size);
    int total = 0;
    for (int rows : batchSizes) {
      total += rows;
    }
    float[] all = new float[total * size];
    int at = 0;
    for (int rows : batchSizes) {
      float[] batch = new float[rows * size];
      for (int i = 0; i < rows; i++) {
        batch[i * size] = (float) (5 + 2 * rng.nextGaussian());
        batch[i * size + 1] = (float) (-0.01 + 1e-3 * rng.nextGaussian());
      }
      statistics.update(batch, rows);
      System.arraycopy(batch, 0, all, at, batch.length);
      at += batch.length;
    }

    // The prior is a pseudo-sample of weight 1e-4 with mean 0 and variance 1 (Gymnasium's RunningMeanStd).
    double priorCount = 1e-4;
    for (int j = 0; j < size; j++) {
      double sum = 0;
      for (int i = 0; i < total; i++) {
        sum += all[i * size + j];
      }
      double mean = sum / (total + priorCount);
      double squares = priorCount * (1 + mean * mean);
      for (int i = 0; i < total; i++) {
        double d = all[i * size + j] - mean;
        squares += d * d;
      }
      double variance = squares / (total + priorCount);
      assertEquals(mean, statistics.mean()[j], 1e-12 * Math.max(1, Math.abs(mean)), "mean " + j);
      assertEquals(variance, statistics.variance()[j], 1e-9 * variance, "variance " + j);
    }
    assertEquals(total + priorCount, statistics.count(), 1e-9);
  }

  @Test
  void scalarUpdatesMatchTheClosedForm() {
    RunningMeanVar statistics = new RunningMeanVar(1);
    statistics.update(new double[] {1, 2});
    statistics.update(new double[] {6});
    double n = 3 + 1e-4;
    double mean = 9 / n;
    double variance = (1e-4 * (1 + mean * mean) + Math.pow(1 - mean, 2) + Math.pow(2 - mean, 2)
        + Math.pow(6 - mean, 2)) / n;
    assertEquals(mean, statistics.mean()[0], 1e-12);
    assertEquals(variance, statistics.variance()[0], 1e-12);
  }
}
