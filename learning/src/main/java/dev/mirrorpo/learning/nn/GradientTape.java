package dev.mirrorpo.learning.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Records the operations of one forward pass on the calling thread and backpropagates a loss through
 * them; gradients add into the parameters' {@code .grad} (read them with
 * {@link ParameterSet#takeGradients}).
 *
 * <p>Why not DJL's {@code GradientCollector}: DJL 0.36 allows one open collector per JVM (a global flag;
 * a second one throws), so two trainings could never run on two worker threads of one JVM. PyTorch
 * itself keeps grad mode per thread and autograd graphs are independent, so this tape only switches the
 * calling thread's grad mode and calls PyTorch's backward directly.
 */
public final class GradientTape implements AutoCloseable {
  private final boolean previousGradMode;

  private GradientTape() {
    previousGradMode = JniUtils.isGradMode();
    JniUtils.setGradMode(true);
  }

  /** Starts recording on this thread; close it on the same thread. */
  public static GradientTape record() {
    return new GradientTape();
  }

  /** Backpropagates a scalar loss; the graph is freed afterwards. */
  public void backward(NDArray loss) {
    try (NDArray seed = loss.onesLike()) {
      backward(loss, seed);
    }
  }

  /**
   * Backpropagates from {@code output} given the loss's gradient with respect to it (same shape), as when
   * that gradient was computed outside autograd; the graph is freed afterwards.
   */
  public void backward(NDArray output, NDArray outputGradient) {
    JniUtils.backward((PtNDArray) output, (PtNDArray) outputGradient, false, false);
  }

  @Override
  public void close() {
    JniUtils.setGradMode(previousGradMode);
  }
}
