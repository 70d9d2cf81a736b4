package dev.mirrorpo.transforms.benchmark;

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
 * @param gridPoint index of {@code hyperParameters} in the algorithm's grid
 * @param hyperParameters the values given at this point (the objective fills in its defaults)
 */
public record BenchmarkCell(String dataset, String datasetPath, String datasetSha256, String algorithm,
    int gridPoint, TreeMap<String, Double> hyperParameters, long seed) implements Serializable {

  public BenchmarkCell(String dataset, String datasetPath, String datasetSha256, String algorithm, int gridPoint,
      Map<String, Double> hyperParameters, long seed) {
    this(dataset, datasetPath, datasetSha256, algorithm, gridPoint, new TreeMap<>(hyperParameters), seed);
  }

  /** A stable name for logs and MLflow: algorithm, grid point, dataset and seed. */
  public String key() {
    return algorithm + "/" + gridPoint + "/" + dataset + "/" + seed;
  }
}
