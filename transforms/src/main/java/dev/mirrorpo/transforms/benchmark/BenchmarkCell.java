package dev.mirrorpo.transforms.benchmark;

import dev.mirrorpo.learning.objectives.Objective;
import dev.mirrorpo.learning.objectives.Objectives;
import dev.mirrorpo.schemas.BenchmarkResult;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * One unit of a benchmark: train {@code algorithm} at one hyper-parameter point with one seed on one
 * dataset, then evaluate the policy.
 *
 * @param dataset the dataset's column name in the table (its quality label unless named otherwise)
 * @param datasetPath the dataset directory
 * @param datasetSha256 SHA-256 of its manifest, recorded with the result
 * @param algorithm the row of the table: a known objective's name, or a discovered objective's label
 * @param gridPoint index of {@code hyperParameters} in the algorithm's grid
 * @param hyperParameters the values given at this point (the objective fills in its defaults)
 * @param discovered the discovered MPO objective this cell trains, null for a known objective
 */
public record BenchmarkCell(String dataset, String datasetPath, String datasetSha256, String algorithm,
    int gridPoint, TreeMap<String, Double> hyperParameters, long seed, DiscoveredObjective discovered)
    implements Serializable {

  /** A known objective ({@link Objectives}) at one point of its grid. */
  public static BenchmarkCell known(String dataset, String datasetPath, String datasetSha256, String algorithm,
      int gridPoint, Map<String, Double> hyperParameters, long seed) {
    return new BenchmarkCell(dataset, datasetPath, datasetSha256, algorithm, gridPoint, new TreeMap<>(hyperParameters),
        seed, null);
  }

  /** A discovered objective: a row of its own with one point, its λ or β as the search had it. */
  public static BenchmarkCell discovered(String dataset, String datasetPath, String datasetSha256,
      DiscoveredObjective objective, long seed) {
    return new BenchmarkCell(dataset, datasetPath, datasetSha256, objective.label(), 0, new TreeMap<>(), seed,
        objective);
  }

  /** The objective to train. */
  public Objective objective() {
    return discovered == null ? Objectives.create(algorithm, hyperParameters) : discovered.objective();
  }

  /** SHA-256 of the discovered objective's file, null for a known objective. */
  public String objectiveSha256() {
    return discovered == null ? null : discovered.sha256();
  }

  /** A stable name for resume and MLflow: algorithm, grid point, dataset, seed (and the objective's file hash). */
  public String key() {
    return key(algorithm, gridPoint, dataset, seed, objectiveSha256());
  }

  /** The key of the cell {@code row} is the result of. */
  public static String key(BenchmarkResult row) {
    return key(row.getAlgorithm(), row.getGridPoint(), row.getDataset(), row.getSeed(), row.getObjectiveSha256());
  }

  // A discovered objective's label names a file, not its content: the hash keeps two files apart.
  private static String key(String algorithm, int gridPoint, String dataset, long seed, String objectiveSha256) {
    String key = algorithm + "/" + gridPoint + "/" + dataset + "/" + seed;
    return objectiveSha256 == null ? key : key + "/" + objectiveSha256;
  }
}
