package dev.mirrorpo.learning.nn;

import dev.mirrorpo.envs.NativeLibraries;
import java.io.IOException;
import java.util.Arrays;

/**
 * The forward and backward passes of an {@link Mlp} in the offline trainer, in native code
 * (src/main/c/mirrorpo_mlp.c; docs/training.md, "The network's kernel"): the parameters, inputs and gradients
 * are plain float arrays in {@link ParameterSet}'s layout (w0, b0, w1, b1, ...), and no autograd graph is built.
 *
 * <p>Why native: under the pinned numerics PyTorch's products run on MKL's reproducible SSE2 branch and its tanh
 * on MKL's slowest vector-math path (docs/benchmarks.md), which made the network most of a training step. This
 * kernel computes every output element as one chain of IEEE operations in a fixed order, so it is reproducible on
 * any CPU by construction: its AVX2 code computes eight such chains side by side and gives the scalar code's bits,
 * and the scalar code runs where the CPU lacks AVX2 or FMA. Its tanh is a rational function within a few ulp of
 * PyTorch's, so it is not PyTorch's bit for bit.
 *
 * <p>One kernel remembers its last forward pass (inputs, hidden activations) for the backward pass that follows;
 * it belongs to one thread and one policy at a time.
 */
public final class MlpKernel {
  private static final String LIBRARY = "libmirrorpo_mlp.so";
  /** The C side's bound on the number of layers. */
  private static final int MAX_LAYERS = 16;
  private static final boolean CPU_HAS_AVX2_FMA;

  static {
    try {
      NativeLibraries.load(MlpKernel.class, LIBRARY);
    } catch (IOException e) {
      throw new IllegalStateException("cannot load the network kernel: " + e.getMessage()
          + "; build the learning module with 'make build'", e);
    }
    CPU_HAS_AVX2_FMA = vectorized();
  }

  private final int[] sizes;
  private final boolean vector;
  private final int parameterCount;
  private final int hiddenWidths;
  private final int widestHidden;
  private final int largestLayer;
  private float[] parameters;
  private float[] input;
  private int rows;
  private float[] hidden = new float[0];
  private float[] scratch = new float[0];

  private MlpKernel(int[] sizes, boolean vector) {
    if (sizes.length < 2 || sizes.length > MAX_LAYERS + 1 || Arrays.stream(sizes).anyMatch(size -> size < 1)) {
      throw new IllegalArgumentException("the network kernel takes 1 to " + MAX_LAYERS + " layers of positive sizes, "
          + "got sizes " + Arrays.toString(sizes));
    }
    this.sizes = sizes.clone();
    this.vector = vector;
    int count = 0;
    int widths = 0;
    int widest = 0;
    int largest = 0;
    for (int layer = 0; layer + 1 < sizes.length; layer++) {
      count += sizes[layer] * sizes[layer + 1] + sizes[layer + 1];
      largest = Math.max(largest, sizes[layer] * sizes[layer + 1]);
      if (layer + 2 < sizes.length) {
        widths += sizes[layer + 1];
        widest = Math.max(widest, sizes[layer + 1]);
      }
    }
    this.parameterCount = count;
    this.hiddenWidths = widths;
    this.widestHidden = widest;
    this.largestLayer = largest;
  }

  /** A kernel for the network of layer sizes {@code sizes} (input, hidden..., output), with the CPU's fastest code. */
  public static MlpKernel of(int[] sizes) {
    return new MlpKernel(sizes, CPU_HAS_AVX2_FMA);
  }

  /** The same with the scalar code, which every CPU runs and which gives the same bits. */
  static MlpKernel scalar(int[] sizes) {
    return new MlpKernel(sizes, false);
  }

  /** Whether this CPU runs the vector code (AVX2 and FMA). */
  public static boolean cpuRunsVectorCode() {
    return CPU_HAS_AVX2_FMA;
  }

  /** The number of parameters of the layers, the first entries of a policy's flat vector. */
  public int parameterCount() {
    return parameterCount;
  }

  /**
   * The network's outputs [rows, output] for inputs [rows, input], row-major; {@code parameters} and {@code input}
   * must stay unchanged until {@link #backward}.
   */
  public float[] forward(float[] parameters, float[] input, int rows) {
    if (parameters.length < parameterCount || input.length != (long) rows * sizes[0] || rows < 1) {
      throw new IllegalArgumentException("the network " + Arrays.toString(sizes) + " needs " + parameterCount
          + " parameters and rows × " + sizes[0] + " inputs; got " + parameters.length + " parameters and "
          + input.length + " inputs for " + rows + " rows");
    }
    if (hidden.length < rows * hiddenWidths) {
      hidden = new float[rows * hiddenWidths];
      scratch = new float[2 * rows * widestHidden + largestLayer];
    }
    this.parameters = parameters;
    this.input = input;
    this.rows = rows;
    float[] output = new float[rows * sizes[sizes.length - 1]];
    forwardPass(sizes, parameters, input, rows, hidden, output, vector);
    return output;
  }

  /**
   * Given the loss's gradient with respect to the last forward pass's outputs, writes its gradient with respect to
   * every layer's weights and biases into {@code gradient}'s first {@link #parameterCount()} entries (overwriting
   * them; the rest are left alone).
   */
  public void backward(float[] outputGradient, float[] gradient) {
    if (input == null) {
      throw new IllegalStateException("backward needs a forward pass first");
    }
    if (outputGradient.length != rows * sizes[sizes.length - 1] || gradient.length < parameterCount) {
      throw new IllegalArgumentException("the backward pass of " + rows + " rows needs " + rows * sizes[sizes.length - 1]
          + " output gradients and room for " + parameterCount + " parameter gradients; got "
          + outputGradient.length + " and " + gradient.length);
    }
    backwardPass(sizes, parameters, input, rows, hidden, outputGradient, gradient, scratch, vector);
  }

  private static native boolean vectorized();

  private static native void forwardPass(int[] sizes, float[] parameters, float[] input, int rows, float[] hidden,
      float[] output, boolean vector);

  private static native void backwardPass(int[] sizes, float[] parameters, float[] input, int rows, float[] hidden,
      float[] outputGradient, float[] gradient, float[] scratch, boolean vector);
}
