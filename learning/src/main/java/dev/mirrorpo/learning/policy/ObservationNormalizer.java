package dev.mirrorpo.learning.policy;

/**
 * (obs − mean) / √(var + 1e-8), clipped to ±10, with running statistics that PPO updates while it
 * trains and that are frozen in a finished agent (CleanRL's NormalizeObservation + clip).
 */
public final class ObservationNormalizer {
  public static final double EPSILON = 1e-8;
  public static final double CLIP = 10.0;

  private final RunningMeanVar statistics;

  public ObservationNormalizer(int size) {
    this(new RunningMeanVar(size));
  }

  public ObservationNormalizer(RunningMeanVar statistics) {
    this.statistics = statistics;
  }

  public RunningMeanVar statistics() {
    return statistics;
  }

  public int size() {
    return statistics.size();
  }

  /** Adds a batch of raw observations (rows × size) to the statistics. */
  public void update(float[] observations, int rows) {
    statistics.update(observations, rows);
  }

  /** Normalised copy of a batch of raw observations. */
  public float[] normalize(float[] observations) {
    double[] mean = statistics.mean();
    double[] variance = statistics.variance();
    int n = mean.length;
    if (observations.length % n != 0) {
      throw new IllegalArgumentException(
          "observations of " + observations.length + " values are not a whole number of size-" + n + " rows");
    }
    double[] scale = new double[n];
    for (int j = 0; j < n; j++) {
      scale[j] = 1.0 / Math.sqrt(variance[j] + EPSILON);
    }
    float[] out = new float[observations.length];
    for (int i = 0; i < observations.length; i++) {
      int j = i % n;
      double z = (observations[i] - mean[j]) * scale[j];
      out[i] = (float) Math.max(-CLIP, Math.min(CLIP, z));
    }
    return out;
  }
}
