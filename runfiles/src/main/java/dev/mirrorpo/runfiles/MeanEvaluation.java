package dev.mirrorpo.runfiles;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mirrorpo.schemas.BenchmarkResult;
import java.util.List;

/**
 * One point of a search's evaluated-mean curve (docs/search.md, "Honest figures"): the ES mean ζ after
 * {@code generations} generations, trained with the search's evaluation seeds and scored on its evaluation
 * episodes, neither of which any candidate is trained or scored with.
 *
 * @param generations how many generations the ES had finished when ζ was its mean
 * @param zetaChecksum SHA-256 of ζ's bytes (the rows' objective_sha256)
 * @param evaluationSeed the seed of the episodes every seed's policy was scored on
 * @param returns the true return per training seed, and their mean ± standard error
 */
public record MeanEvaluation(@JsonProperty("generations") int generations,
    @JsonProperty("zeta_checksum") String zetaChecksum, @JsonProperty("evaluation_seed") long evaluationSeed,
    @JsonProperty("returns") SeedReturns returns) {

  /** The evaluation the rows of {@code generations}' evaluation hold (every row trains the same ζ). */
  public static MeanEvaluation of(int generations, List<BenchmarkResult> rows) {
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("the evaluation of the mean after generation " + generations + " has no rows");
    }
    BenchmarkResult first = rows.get(0);
    for (BenchmarkResult row : rows) {
      if (!String.valueOf(row.getObjectiveSha256()).equals(String.valueOf(first.getObjectiveSha256()))) {
        throw new IllegalArgumentException("the evaluation of the mean after generation " + generations
            + " holds rows of two objectives");
      }
    }
    return new MeanEvaluation(generations, String.valueOf(first.getObjectiveSha256()), first.getEvaluationSeed(),
        SeedReturns.of(first.getAlgorithm().toString(), rows));
  }

  public double mean() {
    return returns.mean();
  }

  public double standardError() {
    return returns.standardError();
  }

  /** Whether it can be the search's result: every seed trained. */
  public boolean finite() {
    return Double.isFinite(returns.mean());
  }
}
