package dev.mirrorpo.bench;

import dev.mirrorpo.learning.TorchThreads;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.policy.PolicyArchitecture;
import dev.mirrorpo.learning.policy.RunningMeanVar;
import dev.mirrorpo.learning.training.PairedTrajectories;
import dev.mirrorpo.learning.training.TrainerConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where every measurement of the trainer benches starts ({@link TrainerThroughput}, {@link
 * PopulationThroughput}): the same fresh weights every time, with the frozen normaliser a policy learned
 * from scratch has (the data's), and the paper's trainer run for whole epochs.
 *
 * @param statistics the dataset's observation statistics, computed once (a pass over every step)
 */
record BenchStart(PolicyArchitecture architecture, float[] initialValues, RunningMeanVar statistics) {
  static final long INIT_SEED = 1;
  static final long SHUFFLE_SEED = 1;

  static BenchStart of(PairedTrajectories data) {
    PolicyArchitecture architecture = PolicyArchitecture.gaussianMlp(data.observationSize(), data.actionSize());
    float[] values;
    try (GaussianPolicy init = GaussianPolicy.initialize(architecture, INIT_SEED)) {
      values = init.parameters().values();
    }
    TorchThreads.applyToCurrentThread(); // the engine is loaded now; a no-op on the thread that loaded it
    return new BenchStart(architecture, values, data.observationStatistics());
  }

  /** A new policy at the start (the caller closes it). */
  GaussianPolicy policy() {
    return GaussianPolicy.of(architecture, initialValues,
        new RunningMeanVar(statistics.mean(), statistics.variance(), statistics.count()));
  }

  /** The initial weights and normaliser as a JAX reference reads them (bench/reference/), to start where we do. */
  Map<String, Object> referencePolicy() {
    Map<String, Object> policy = new LinkedHashMap<>();
    policy.put("layout", "mean.w0 [obs, 64], mean.b0, mean.w1 [64, 64], mean.b1, mean.w2 [64, act], mean.b2, log_std"
        + " (row-major)");
    policy.put("values", initialValues);
    policy.put("observation_mean", statistics.mean());
    policy.put("observation_variance", statistics.variance());
    return policy;
  }

  /**
   * The paper's trainer for one untimed and {@code timedEpochs} timed epochs; no SFT stage, so a two-step
   * objective gets π_ref = the start and optimises its own loss throughout.
   */
  static TrainerConfig timedPaperTrainer(int timedEpochs) {
    TrainerConfig paper = TrainerConfig.paper();
    return new TrainerConfig(timedEpochs + 1, 0, paper.minibatchPairs(), paper.learningRate(), paper.maxGradNorm(),
        paper.boxHalfWidth());
  }

  /** Timed epochs that take at least {@code seconds}, given one epoch's seconds. */
  static int epochsFor(double seconds, double oneEpochSeconds) {
    return (int) Math.max(1, Math.min(1_000_000, Math.ceil(seconds / oneEpochSeconds)));
  }

  /**
   * Floating-point operations of the policy's mean network per trajectory step of a training step: two per
   * multiply-add of its matrix products, forward (x·W of every layer) and backward (every layer's weight
   * gradient, and the input gradient of every layer but the first). Element-wise work (biases, tanh, the
   * likelihood, the objective) is left out: the matrix products are what a core's peak rate is about.
   */
  static long trainingFlopsPerStep(PolicyArchitecture architecture) {
    int[] sizes = architecture.layerSizes();
    long multiplyAdds = 0;
    for (int layer = 0; layer + 1 < sizes.length; layer++) {
      long product = (long) sizes[layer] * sizes[layer + 1];
      multiplyAdds += layer == 0 ? 2 * product : 3 * product;
    }
    return 2 * multiplyAdds;
  }

  /** Real trajectory steps of both sides of every pair: one training's work per epoch. */
  static long stepsPerEpoch(PairedTrajectories data) {
    return data.chosen().steps() + data.rejected().steps();
  }
}
