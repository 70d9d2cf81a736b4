package dev.mirrorpo.learning.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** A multi-layer perceptron with tanh hidden layers and a linear output, on x·W + b. */
public final class Mlp {
  private final int[] sizes;
  private final List<NDArray> weights = new ArrayList<>();
  private final List<NDArray> biases = new ArrayList<>();

  /**
   * Creates the layers inside {@code parameters} as {@code prefix.w0, prefix.b0, ...}, with
   * orthogonal weights (gain √2 on hidden layers, {@code outputGain} on the last) and zero biases,
   * as CleanRL initialises its PPO networks.
   *
   * @param sizes input size, hidden sizes..., output size
   */
  public Mlp(ParameterSet parameters, String prefix, int[] sizes, double outputGain, SplittableRandom rng) {
    if (sizes.length < 2) {
      throw new IllegalArgumentException("an MLP needs an input and an output size");
    }
    this.sizes = sizes.clone();
    for (int layer = 0; layer + 1 < sizes.length; layer++) {
      int in = sizes[layer];
      int out = sizes[layer + 1];
      double gain = layer + 2 == sizes.length ? outputGain : Math.sqrt(2);
      weights.add(parameters.add(prefix + ".w" + layer, new Shape(in, out), Orthogonal.matrix(in, out, gain, rng)));
      biases.add(parameters.add(prefix + ".b" + layer, new Shape(1, out), new float[out]));
    }
  }

  /** Forward pass over a batch [N, input] → [N, output]. */
  public NDArray forward(NDArray input) {
    NDArray x = input;
    for (int layer = 0; layer < weights.size(); layer++) {
      x = x.matMul(weights.get(layer)).add(biases.get(layer));
      if (layer + 1 < weights.size()) {
        x = x.tanh();
      }
    }
    return x;
  }

  public int[] sizes() {
    return sizes.clone();
  }
}
