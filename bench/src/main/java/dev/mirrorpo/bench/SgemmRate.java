package dev.mirrorpo.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * This core's rate of large single-precision matrix products through the engine the trainer uses (DJL on
 * PyTorch, its BLAS under the JVM's numeric environment, one intra-op thread), in GFLOP/s: the physical
 * limit that a trainer bench line sets the trainer's own GFLOP/s against. Measured in the bench's JVM, so
 * under the same numerics (pinned: MKL's reproducible branch) and the same load as the trainer.
 */
final class SgemmRate {
  /** Large enough that the product's arithmetic dwarfs the call's overhead and runs from cache blocks. */
  private static final int SIZE = 1024;

  private SgemmRate() {}

  /** Products of two SIZE × SIZE float32 matrices for at least {@code seconds}, after an untimed one. */
  static double gflops(double seconds) {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray left = manager.ones(new Shape(SIZE, SIZE));
      NDArray right = manager.ones(new Shape(SIZE, SIZE));
      left.matMul(right).close();
      long start = System.nanoTime();
      long elapsed;
      int products = 0;
      do {
        left.matMul(right).close();
        products++;
        elapsed = System.nanoTime() - start;
      } while (elapsed < seconds * 1e9);
      return 2.0 * SIZE * SIZE * SIZE * products / elapsed;
    }
  }
}
