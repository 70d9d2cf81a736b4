package dev.mirrorpo.learning.policy;

/**
 * Running mean and variance of vectors, merged batch by batch (Chan et al.'s parallel update), as
 * Gymnasium's RunningMeanStd keeps them: it starts from mean 0, variance 1 and a count of 1e-4.
 */
public final class RunningMeanVar {
  private final double[] mean;
  private final double[] variance;
  private double count;

  public RunningMeanVar(int size) {
    mean = new double[size];
    variance = new double[size];
    java.util.Arrays.fill(variance, 1.0);
    count = 1e-4;
  }

  public RunningMeanVar(double[] mean, double[] variance, double count) {
    if (mean.length != variance.length) {
      throw new IllegalArgumentException("mean and variance sizes differ: " + mean.length + " vs " + variance.length);
    }
    this.mean = mean.clone();
    this.variance = variance.clone();
    this.count = count;
  }

  public int size() {
    return mean.length;
  }

  /** Merges {@code rows} vectors laid out row-major in {@code batch}. */
  public void update(float[] batch, int rows) {
    int n = mean.length;
    if (batch.length != rows * n) {
      throw new IllegalArgumentException("batch of " + batch.length + " values is not " + rows + " × " + n);
    }
    for (int j = 0; j < n; j++) {
      double batchMean = 0;
      for (int i = 0; i < rows; i++) {
        batchMean += batch[i * n + j];
      }
      batchMean /= rows;
      double batchVariance = 0;
      for (int i = 0; i < rows; i++) {
        double d = batch[i * n + j] - batchMean;
        batchVariance += d * d;
      }
      batchVariance /= rows;
      double delta = batchMean - mean[j];
      double total = count + rows;
      double m2 = variance[j] * count + batchVariance * rows + delta * delta * count * rows / total;
      mean[j] += delta * rows / total;
      variance[j] = m2 / total;
    }
    count += rows;
  }

  /** Merges one scalar per row (size-1 statistics). */
  public void update(double[] values) {
    float[] batch = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      batch[i] = (float) values[i];
    }
    update(batch, values.length);
  }

  public double[] mean() {
    return mean.clone();
  }

  public double[] variance() {
    return variance.clone();
  }

  public double count() {
    return count;
  }

  /** Overwrites these statistics with {@code other}'s (same size). */
  public void restore(RunningMeanVar other) {
    if (other.size() != size()) {
      throw new IllegalArgumentException("statistics of size " + other.size() + " cannot restore size " + size());
    }
    System.arraycopy(other.mean, 0, mean, 0, mean.length);
    System.arraycopy(other.variance, 0, variance, 0, variance.length);
    count = other.count;
  }
}
