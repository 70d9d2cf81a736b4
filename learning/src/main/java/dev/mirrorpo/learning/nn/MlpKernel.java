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
 * any CPU by construction: its vector code computes 16 (AVX-512) or 8 (AVX2 and FMA) such chains side by side and
 * gives the scalar code's bits, and the scalar code runs where the CPU has neither. Its tanh is a rational function
 * within a few ulp of PyTorch's, so it is not PyTorch's bit for bit.
 *
 * <p>One kernel remembers its last forward pass (inputs, hidden activations) for the backward pass that follows;
 * it belongs to one thread and one policy at a time.
 */
public final class MlpKernel {
  private static final String LIBRARY = "libmirrorpo_mlp.so";
  /** The C side's bound on the number of layers. */
  private static final int MAX_LAYERS = 16;
  /** The widest vectors this CPU runs: 16 lanes, 8, or 1 (the scalar code). */
  private static final int WIDEST_LANES;

  static {
    try {
      // A lambda, not System::load: its body is this class's code, so the library binds to this class's loader.
      NativeLibraries.load(MlpKernel.class, LIBRARY, path -> System.load(path));
    } catch (IOException e) {
      throw new IllegalStateException("cannot load the network kernel: " + e.getMessage()
          + "; build the learning module with 'make build'", e);
    }
    WIDEST_LANES = cpuLanes();
  }

  private final int[] sizes;
  private final int lanes;
  private final int parameterCount;
  private final int hiddenWidths;
  private final int widestHidden;
  private final int largestLayer;
  private float[] parameters;
  private float[] input;
  private int rows;
  private float[] hidden = new float[0];
  private float[] scratch = new float[0];

  private MlpKernel(int[] sizes, int lanes) {
    if (sizes.length < 2 || sizes.length > MAX_LAYERS + 1 || Arrays.stream(sizes).anyMatch(size -> size < 1)) {
      throw new IllegalArgumentException("the network kernel takes 1 to " + MAX_LAYERS + " layers of positive sizes, "
          + "got sizes " + Arrays.toString(sizes));
    }
    this.sizes = sizes.clone();
    this.lanes = lanes;
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

  /** A kernel for the network of layer sizes {@code sizes} (input, hidden..., output), with the CPU's widest vectors. */
  public static MlpKernel of(int[] sizes) {
    return new MlpKernel(sizes, WIDEST_LANES);
  }

  /**
   * The same with vectors of {@code lanes} lanes (16, 8, or 1 for the scalar code, which every CPU runs), all of
   * which give the same bits; at most {@link #widestLanes()}.
   */
  static MlpKernel withLanes(int[] sizes, int lanes) {
    if (lanes != 1 && lanes != 8 && lanes != 16 || lanes > WIDEST_LANES) {
      throw new IllegalArgumentException("this CPU runs the network kernel with 1 to " + WIDEST_LANES
          + " lanes (1, 8 or 16), not " + lanes);
    }
    return new MlpKernel(sizes, lanes);
  }

  /** The widest vectors this CPU runs the kernel with: 16 lanes (AVX-512), 8 (AVX2 and FMA), or 1 (scalar). */
  public static int widestLanes() {
    return WIDEST_LANES;
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
    forwardPass(sizes, parameters, input, rows, hidden, output, lanes);
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
    backwardPass(sizes, parameters, input, rows, hidden, outputGradient, gradient, scratch, lanes);
  }

  private static native int cpuLanes();

  private static native void forwardPass(int[] sizes, float[] parameters, float[] input, int rows, float[] hidden,
      float[] output, int lanes);

  private static native void backwardPass(int[] sizes, float[] parameters, float[] input, int rows, float[] hidden,
      float[] outputGradient, float[] gradient, float[] scratch, int lanes);
}
