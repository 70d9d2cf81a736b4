package dev.mirrorpo.bench;

import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mirrorpo.learning.objectives.Objective;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.training.OfflineTrainer;
import dev.mirrorpo.learning.training.PairedTrajectories;
import dev.mirrorpo.learning.training.TrainerConfig;
import dev.mirrorpo.learning.training.TrainingResult;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Throughput of the inner trainer (`mirrorpo objectives bench`): trajectory steps per second of
 * {@link OfflineTrainer} itself (forward, backward and Adam on minibatches of the paper's 2 pairs),
 * and of the same loop written in JAX (bench/reference/trainer_throughput.py), run as a subprocess.
 *
 * <p>The Java side trains whole epochs and times them with the trainer's own epoch listener, from the
 * end of the first epoch to the end of the last: every step of those epochs is the trainer's real
 * step, and what happens once per training (normalising the data, π_ref's likelihoods of a two-step
 * objective) is outside the interval. Every trajectory step of both sides counts once per epoch; the
 * trainer packs them without padding.
 */
final class TrainerThroughput {
  private final PairedTrajectories data;
  private final Objective objective;
  private final TrainerConfig paper = TrainerConfig.paper();
  private final BenchStart start;

  TrainerThroughput(PairedTrajectories data, Objective objective) {
    this.data = data;
    this.objective = objective;
    this.start = BenchStart.of(data);
  }

  /** Real trajectory steps of both sides of every pair: the work of one epoch. */
  long stepsPerEpoch() {
    return BenchStart.stepsPerEpoch(data);
  }

  /** Floating-point operations of the policy's matrix products per trajectory step (see BenchStart). */
  long flopsPerStep() {
    return BenchStart.trainingFlopsPerStep(start.architecture());
  }

  long updatesPerEpoch() {
    return (data.pairs() + paper.minibatchPairs() - 1) / paper.minibatchPairs();
  }

  /** One measurement of the Java trainer. */
  record Measurement(double stepsPerSecond, double updatesPerSecond, double seconds, int epochs, double cpuPerWall) {}

  /**
   * Trains {@code epochs} timed epochs after one untimed one, from the same initial policy every time.
   *
   * @throws IllegalStateException if training diverges (the figures would mean nothing)
   */
  Measurement measure(int epochs) {
    long[] wall = new long[epochs + 2];
    long[] cpu = new long[epochs + 2];
    OfflineTrainer.Listener clock = new OfflineTrainer.Listener() {
      @Override
      public void epochDone(int epoch, int total, double meanLoss) {
        wall[epoch] = System.nanoTime();
        cpu[epoch] = processCpuNanos();
      }
    };
    TrainingResult result;
    try (GaussianPolicy policy = start.policy()) {
      result = new OfflineTrainer(BenchStart.timedPaperTrainer(epochs)).train(policy, data, objective,
          BenchStart.SHUFFLE_SEED, clock);
    }
    if (!result.completed()) {
      throw new IllegalStateException("the benchmark's training stopped: " + result.message());
    }
    double seconds = (wall[epochs + 1] - wall[1]) / 1e9;
    double cpuSeconds = (cpu[epochs + 1] - cpu[1]) / 1e9;
    return new Measurement(epochs * stepsPerEpoch() / seconds, epochs * updatesPerEpoch() / seconds, seconds, epochs,
        cpuSeconds / seconds);
  }

  /** Epochs that take at least {@code seconds}, from one measured epoch (which also warms the JIT up). */
  int epochsFor(double seconds) {
    return BenchStart.epochsFor(seconds, measure(1).seconds());
  }

  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  /**
   * The loss of the first minibatch (pairs 0, 1, …) under the initial policy, computed as the trainer
   * does (both sides packed into one forward pass): the JAX reference reports the same number from its
   * own code, so the two are known to run the same computation.
   */
  double firstBatchLoss() {
    try (GaussianPolicy policy = start.policy(); NDScope scope = new NDScope()) {
      return firstBatchLoss(policy, data.normalized(policy.normalizer()));
    }
  }

  private double firstBatchLoss(GaussianPolicy policy, PairedTrajectories normalized) {
    int[] firstPairs = new int[Math.min(paper.minibatchPairs(), data.pairs())];
    Arrays.setAll(firstPairs, k -> k);
    return objective.loss(new OfflineTrainer(paper).pairBatch(policy, normalized, firstPairs)).getFloat();
  }

  /** The initial weights and normaliser, for the reference to start from the same policy. */
  void writeInitialPolicy(Path file) {
    JaxReference.write(file, start.referencePolicy());
  }

  /** Runs the JAX reference once for {@code seconds} of training and returns its JSON line. */
  static JsonNode runReference(TrainerBench.Reference jax, Path dataset, String objective, double seconds,
      Path init) {
    List<String> command = new ArrayList<>(List.of(jax.python().toString(), jax.script().toString(), "--dataset",
        dataset.toString(), "--objective", objective, "--seconds", Double.toString(seconds), "--rounds", "1"));
    if (init != null) {
      command.addAll(List.of("--init", init.toString()));
    }
    return JaxReference.run(command, seconds);
  }

}
