package dev.mirrorpo.learning.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic between an NDArray and a Java number that stays correct under autograd. Use these, never
 * DJL's {@code NDArray} overloads that take a {@code Number}, on any path that is differentiated.
 *
 * <p>Why: DJL 0.36's {@code x.mul(0.5)}, {@code x.add(1)}, {@code x.pow(-1)}, ... wrap the number in a
 * tensor that borrows a Java direct buffer (PyTorch {@code from_blob}, no copy) and close it right after
 * the op. PyTorch's autograd may keep that tensor for the backward pass (the product rule needs the
 * other factor), but once the Java side is closed the garbage collector may free the buffer, and the
 * allocator hands the memory out again. The backward pass then reads whatever was written there: two
 * identical runs get different gradients, and sometimes NaN. Measured on the offline trainer: same-seed
 * ORPO runs differed in about a third of the JVMs, one in six stopped on a NaN gradient; with the
 * Epsilon collector (nothing is ever freed) all agreed. Here the number becomes a tensor that PyTorch
 * allocates and owns ({@code torch.full}), so autograd's reference keeps it alive.
 * {@code NoNumberOverloadsTest} keeps the overloads out of the learning code.
 */
public final class ScalarOps {
  private static final Shape SCALAR = new Shape();

  private ScalarOps() {}

  /** A 0-d tensor of {@code x}'s type holding {@code value}, owned by PyTorch, in {@code x}'s manager. */
  public static NDArray constant(NDArray x, double value) {
    return x.getManager().full(SCALAR, (float) value, x.getDataType());
  }

  public static NDArray add(NDArray x, double value) {
    return x.add(constant(x, value));
  }

  public static NDArray sub(NDArray x, double value) {
    return x.sub(constant(x, value));
  }

  public static NDArray mul(NDArray x, double value) {
    return x.mul(constant(x, value));
  }

  public static NDArray div(NDArray x, double value) {
    return x.div(constant(x, value));
  }

  public static NDArray pow(NDArray x, double exponent) {
    return x.pow(constant(x, exponent));
  }

  public static NDArray maximum(NDArray x, double value) {
    return x.maximum(constant(x, value));
  }

  public static NDArray minimum(NDArray x, double value) {
    return x.minimum(constant(x, value));
  }
}
