package dev.mirrorpo.learning.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.mirrorpo.learning.RelativeToLargest;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The network kernel against DJL's {@link Mlp} and autograd, and its vector code against its scalar code, which
 * must agree bit for bit (that is what makes its results the same on every CPU).
 */
class MlpKernelTest {
  /** Hopper's policy network. */
  private static final int[] HOPPER = {11, 64, 64, 3};
  /**
   * Widths that are no multiple of 8 (the vector code's partial vectors; 21 fills one 16-lane vector and part of
   * another) and, with the rows below, rows that fill no 6-row tile.
   */
  private static final int[] ODD = {7, 13, 21, 5};
  /**
   * The kernel's tanh and summation order differ from PyTorch's in the last bits: measured below 1e-6 of the
   * largest output or gradient component; a wrong index or derivative is off by far more.
   */
  private static final double TOLERANCE = 1e-5;

  private record Network(float[] parameters, float[] input, float[] outputGradient) {}

  private static Network random(int[] sizes, int rows, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    MlpKernel kernel = MlpKernel.of(sizes);
    float[] parameters = new float[kernel.parameterCount()];
    for (int i = 0; i < parameters.length; i++) {
      parameters[i] = (float) (0.3 * rng.nextGaussian());
    }
    float[] input = new float[rows * sizes[0]];
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) (2 * rng.nextGaussian());
    }
    float[] outputGradient = new float[rows * sizes[sizes.length - 1]];
    for (int i = 0; i < outputGradient.length; i++) {
      outputGradient[i] = (float) rng.nextGaussian();
    }
    return new Network(parameters, input, outputGradient);
  }

  private static float[][] run(MlpKernel kernel, Network network, int rows) {
    float[] output = kernel.forward(network.parameters(), network.input(), rows);
    float[] gradient = new float[kernel.parameterCount()];
    kernel.backward(network.outputGradient(), gradient);
    return new float[][] {output, gradient};
  }

  @Test
  void everyVectorWidthGivesTheScalarCodesBits() {
    assumeTrue(MlpKernel.widestLanes() > 1, "this CPU has neither AVX-512 nor AVX2 and FMA: it runs the scalar code only");
    for (int lanes = 8; lanes <= MlpKernel.widestLanes(); lanes *= 2) {
      for (int[] sizes : new int[][] {HOPPER, ODD}) {
        for (int rows : new int[] {1, 5, 13, 1471}) {
          Network network = random(sizes, rows, rows);
          float[][] vector = run(MlpKernel.withLanes(sizes, lanes), network, rows);
          float[][] scalar = run(MlpKernel.withLanes(sizes, 1), network, rows);
          assertArrayEquals(scalar[0], vector[0], 0f, lanes + " lanes: outputs, " + rows + " rows");
          assertArrayEquals(scalar[1], vector[1], 0f, lanes + " lanes: gradients, " + rows + " rows");
        }
      }
    }
  }

  @Test
  void forwardAndBackwardMatchDjlAndAutograd() {
    for (int[] sizes : new int[][] {HOPPER, ODD}) {
      int rows = 97;
      Network network = random(sizes, rows, 5);
      for (MlpKernel kernel : new MlpKernel[] {MlpKernel.of(sizes), MlpKernel.withLanes(sizes, 1)}) {
        float[][] byKernel = run(kernel, network, rows);
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
          ParameterSet parameters = new ParameterSet(manager);
          Mlp mlp = new Mlp(parameters, "mean", sizes, 1.0, new SplittableRandom(1));
          parameters.setValues(network.parameters());
          float[] byDjl;
          try (GradientTape tape = GradientTape.record()) {
            NDArray output = mlp.forward(manager.create(network.input(), new Shape(rows, sizes[0])));
            byDjl = output.toFloatArray();
            tape.backward(output, manager.create(network.outputGradient(), output.getShape()));
          }
          RelativeToLargest.assertClose(byDjl, byKernel[0], TOLERANCE, "outputs");
          RelativeToLargest.assertClose(parameters.takeGradients(), byKernel[1], TOLERANCE, "parameter gradients");
        }
      }
    }
  }

  @Test
  void tanhSaturatesAndANotANumberStaysOne() {
    int[] sizes = {1, 1, 1};
    float[] parameters = {1f, 0f, 1f, 0f};
    MlpKernel kernel = MlpKernel.of(sizes);
    float[] output = kernel.forward(parameters, new float[] {40f, -40f, 0f, 1e-5f, Float.NaN}, 5);
    // The rational function ends 2 ulp below 1 where its input is clamped (7.905).
    assertEquals(1f, output[0], 3e-7f);
    assertTrue(output[0] <= 1f && output[1] == -output[0], "tanh is odd and within [−1, 1]");
    assertEquals(0f, output[2]);
    assertEquals(1e-5f, output[3], "tanh(x) rounds to x for tiny x");
    assertTrue(Float.isNaN(output[4]), "a NaN input gives a NaN output, so a diverging training shows");
  }

  @Test
  void badShapesAreRefusedWithTheSizesNamed() {
    MlpKernel kernel = MlpKernel.of(HOPPER);
    IllegalArgumentException input = assertThrows(IllegalArgumentException.class,
        () -> kernel.forward(new float[kernel.parameterCount()], new float[10], 1));
    assertTrue(input.getMessage().contains("[11, 64, 64, 3]"), input.getMessage());
    assertThrows(IllegalStateException.class, () -> MlpKernel.of(HOPPER).backward(new float[3], new float[5000]));
    assertThrows(IllegalArgumentException.class, () -> MlpKernel.of(new int[] {11}));
  }

}
