package dev.mirrorpo.runfiles;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mirrorpo.schemas.BenchmarkResult;
import java.util.Comparator;
import java.util.List;

/**
 * One objective trained with several seeds and scored on the same episodes: its true return per seed (NaN where
 * training diverged), and their mean with its standard error over seeds (sample standard deviation / √n; NaN if
 * any seed diverged, so that a diverging objective is never picked).
 *
 * @param objective the rows' label (their {@code algorithm})
 * @param seeds the training seeds, ascending
 * @param returns the mean true return of each seed's policy, in the order of {@code seeds}
 */
public record SeedReturns(@JsonProperty("objective") String objective, @JsonProperty("seeds") List<Long> seeds,
    @JsonProperty("returns") List<Double> returns, @JsonProperty("mean") double mean,
    @JsonProperty("standard_error") double standardError) {

  /** The rows of {@code objective} among {@code rows}, by seed. */
  public static SeedReturns of(String objective, List<BenchmarkResult> rows) {
    List<BenchmarkResult> own = rows.stream().filter(row -> row.getAlgorithm().toString().equals(objective))
        .sorted(Comparator.comparingLong(BenchmarkResult::getSeed)).toList();
    if (own.isEmpty()) {
      throw new IllegalArgumentException("no result rows of " + objective);
    }
    List<Double> returns = own.stream().map(BenchmarkResult::getMeanReturn).toList();
    double[] values = returns.stream().mapToDouble(Double::doubleValue).toArray();
    return new SeedReturns(objective, own.stream().map(BenchmarkResult::getSeed).toList(), returns, mean(values),
        standardError(values));
  }

  /** How many seeds' trainings diverged. */
  public long diverged() {
    return returns.stream().filter(value -> !Double.isFinite(value)).count();
  }

  /**
   * This objective against {@code baseline} seed by seed (common random numbers: the same training seed and
   * episodes for both), so that what the seed does to both cancels out.
   *
   * @throws IllegalArgumentException if the two were not trained with the same seeds
   */
  public PairedGain pairedWith(SeedReturns baseline) {
    if (!seeds.equals(baseline.seeds())) {
      throw new IllegalArgumentException(objective + " and " + baseline.objective() + " were trained with other seeds ("
          + seeds + ", " + baseline.seeds() + "); a paired gain needs the same ones");
    }
    double[] differences = new double[seeds.size()];
    int ahead = 0;
    for (int i = 0; i < differences.length; i++) {
      differences[i] = returns.get(i) - baseline.returns().get(i);
      ahead += differences[i] > 0 ? 1 : 0;
    }
    return new PairedGain(baseline.objective(), mean(differences), standardError(differences), ahead);
  }

  /**
   * The mean over seeds of this objective's return minus the baseline's with the same seed.
   *
   * @param standardError over the differences
   * @param ahead on how many seeds this objective scored more than the baseline
   */
  public record PairedGain(@JsonProperty("baseline") String baseline, @JsonProperty("gain") double gain,
      @JsonProperty("standard_error") double standardError, @JsonProperty("ahead") int ahead) {}

  private static double mean(double[] values) {
    double sum = 0;
    for (double value : values) {
      sum += value;
    }
    return sum / values.length;
  }

  private static double standardError(double[] values) {
    if (values.length < 2) {
      return Double.NaN;
    }
    double mean = mean(values);
    double squares = 0;
    for (double value : values) {
      squares += (value - mean) * (value - mean);
    }
    return Math.sqrt(squares / (values.length - 1) / values.length);
  }
}
