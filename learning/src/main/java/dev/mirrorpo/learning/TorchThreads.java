package dev.mirrorpo.learning;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Applies the JVM's PyTorch intra-op thread count (ai.djl.pytorch.num_threads) to the calling
 * thread. PyTorch applies it when the engine loads, and OpenMP keeps it per thread: any other thread,
 * a Beam or Flink worker for example, runs its matrix products on one OpenMP thread per core, which
 * spin against each other and against the other workers. Measured on the 2-core machine with two
 * trainings running: one policy step of 8 environments took 10–25 ms on a worker thread, 60 µs after
 * this call.
 */
public final class TorchThreads {
  private static final ThreadLocal<Boolean> APPLIED = ThreadLocal.withInitial(() -> false);

  private TorchThreads() {}

  /**
   * Call on a thread before it runs PyTorch operations; cheap after the first call.
   *
   * @throws IllegalStateException if the JVM runs without the pinned numeric environment
   *     ({@link NumericEnvironment#require})
   */
  public static void applyToCurrentThread() {
    if (!APPLIED.get()) {
      NumericEnvironment.require();
      Engine.getEngine("PyTorch"); // loads the native library, and sets the JVM's count on this thread
      JniUtils.setNumThreads(JniUtils.getNumThreads());
      APPLIED.set(true);
    }
  }
}
