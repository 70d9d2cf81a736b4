package dev.mirrorpo.runfiles;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mirrorpo.schemas.CandidateFitness;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one finished ES generation reports (RUN_DIR/generations/NNNNN/summary.json, and MLflow metrics
 * with step = generation). Fitness statistics are over the candidates whose training completed.
 *
 * @param sigma the σ the generation's candidates were drawn with
 * @param bestSoFar the best single candidate's fitness up to and including this generation
 * @param baseline the fitness of the search's baseline objective (ORPO or DPO) on the same dataset
 */
public record GenerationSummary(
    @JsonProperty("generation") int generation,
    @JsonProperty("candidates") int candidates,
    @JsonProperty("failed") int failed,
    @JsonProperty("fitness_mean") double fitnessMean,
    @JsonProperty("fitness_max") double fitnessMax,
    @JsonProperty("fitness_min") double fitnessMin,
    @JsonProperty("fitness_std") double fitnessStd,
    @JsonProperty("sigma") double sigma,
    @JsonProperty("best_so_far") double bestSoFar,
    @JsonProperty("baseline") double baseline,
    @JsonProperty("seconds") double seconds) {

  public static GenerationSummary of(int generation, List<CandidateFitness> rows, double sigma, double bestSoFar,
      double baseline, double seconds) {
    double sum = 0;
    double max = Double.NEGATIVE_INFINITY;
    double min = Double.POSITIVE_INFINITY;
    int finite = 0;
    for (CandidateFitness row : rows) {
      if (Double.isFinite(row.getFitness())) {
        sum += row.getFitness();
        max = Math.max(max, row.getFitness());
        min = Math.min(min, row.getFitness());
        finite++;
      }
    }
    double mean = finite == 0 ? Double.NaN : sum / finite;
    double squares = 0;
    for (CandidateFitness row : rows) {
      if (Double.isFinite(row.getFitness())) {
        squares += (row.getFitness() - mean) * (row.getFitness() - mean);
      }
    }
    return new GenerationSummary(generation, rows.size(), rows.size() - finite, mean,
        finite == 0 ? Double.NaN : max, finite == 0 ? Double.NaN : min,
        finite < 2 ? Double.NaN : Math.sqrt(squares / (finite - 1)), sigma, bestSoFar, baseline, seconds);
  }

  /** The MLflow metrics of this generation (non-finite values are left out by the logger). */
  public Map<String, Double> metrics() {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("fitness_mean", fitnessMean);
    metrics.put("fitness_max", fitnessMax);
    metrics.put("fitness_min", fitnessMin);
    metrics.put("fitness_std", fitnessStd);
    metrics.put("sigma", sigma);
    metrics.put("best_so_far", bestSoFar);
    metrics.put("baseline_return", baseline);
    metrics.put("wall_seconds", seconds);
    metrics.put("candidates_failed", (double) failed);
    return metrics;
  }
}
