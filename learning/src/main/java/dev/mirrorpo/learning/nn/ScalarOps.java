package dev.mirrorpo.learning.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
  /**
   * Objectives use a few dozen distinct constants, each in every step: creating the tensor anew made a
   * third of a step's native calls. Cached ones live as long as the JVM (never freed, so autograd may keep
   * them); beyond this many values (a sweep over hyper-parameters, say) they are made per call again.
   */
  private static final int CACHED_CONSTANTS = 4096;
  private static final Map<Constant, NDArray> CONSTANTS = new ConcurrentHashMap<>();
  private static final NDManager CONSTANTS_MANAGER = NDManager.newBaseManager("PyTorch");

  private record Constant(float value, DataType type) {}

  private ScalarOps() {}

  /** A 0-d tensor of {@code x}'s type holding {@code value}, owned by PyTorch and never freed. */
  public static NDArray constant(NDArray x, double value) {
    Constant key = new Constant((float) value, x.getDataType());
    NDArray cached = CONSTANTS.get(key);
    if (cached != null) {
      return cached;
    }
    if (CONSTANTS.size() >= CACHED_CONSTANTS) {
      return x.getManager().full(SCALAR, key.value(), key.type());
    }
    return CONSTANTS.computeIfAbsent(key, k -> {
      NDArray tensor = CONSTANTS_MANAGER.full(SCALAR, k.value(), k.type());
      // Made inside a caller's NDScope, it would be closed with that scope.
      NDScope.unregister(tensor);
      return tensor;
    });
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
