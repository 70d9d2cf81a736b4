package dev.mirrorpo.learning.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AdamTest {

  @Test
  void firstStepMovesEachParameterByTheLearningRateAgainstItsGradientSign() {
    // After one step m̂ = g and v̂ = g², so the update is lr·g/(|g| + ε) ≈ lr·sign(g), whatever |g| is.
    float[] parameters = {1f, -2f, 0.5f};
    Adam adam = Adam.withEpsilon(3, 1e-8);
    adam.step(parameters, new float[] {0.001f, -50f, 3f}, 0.01);
    assertArrayEquals(new float[] {0.99f, -1.99f, 0.49f}, parameters, 1e-6f);
    assertEquals(1, adam.steps());
  }

  @Test
  void threeStepsFollowPyTorchsUpdateRule() {
    double learningRate = 0.1;
    double beta1 = 0.8;
    double beta2 = 0.9;
    // A large ε makes its placement visible: PyTorch adds it to √v / √(1 − β2^t), not to √v̂ of the
    // paper's bias-corrected form nor inside the square root.
    double epsilon = 0.05;
    float[][] gradients = {{0.3f, -0.02f, 1.5f}, {-0.1f, -0.04f, 0.5f}, {0.2f, 0.01f, -2f}};
    float[] parameters = {1f, -2f, 0.5f};
    Adam adam = new Adam(3, beta1, beta2, epsilon);

    double[] expected = {1, -2, 0.5};
    double[] m = new double[3];
    double[] v = new double[3];
    for (int t = 1; t <= gradients.length; t++) {
      adam.step(parameters, gradients[t - 1], learningRate);
      // torch.optim.Adam (foreach=False, amsgrad=False), written out per parameter:
      for (int i = 0; i < 3; i++) {
        double g = gradients[t - 1][i];
        m[i] = beta1 * m[i] + (1 - beta1) * g;
        v[i] = beta2 * v[i] + (1 - beta2) * g * g;
        double biasCorrection1 = 1 - Math.pow(beta1, t);
        double biasCorrection2 = 1 - Math.pow(beta2, t);
        double denominator = Math.sqrt(v[i]) / Math.sqrt(biasCorrection2) + epsilon;
        expected[i] -= learningRate / biasCorrection1 * m[i] / denominator;
      }
      for (int i = 0; i < 3; i++) {
        assertEquals(expected[i], parameters[i], 1e-6, "parameter " + i + " after step " + t);
      }
    }
    assertEquals(3, adam.state().steps());
  }

  @Test
  void clipGlobalNormScalesALargeGradientToTheMaximumNorm() {
    float[] gradient = {3f, -4f, 0f};
    double norm = Adam.clipGlobalNorm(gradient, 0.5);
    assertEquals(5.0, norm, 1e-12);
    // The direction is kept; only the length changes (the whole vector, not each element).
    assertArrayEquals(new float[] {0.3f, -0.4f, 0f}, gradient, 1e-6f);
  }

  @Test
  void clipGlobalNormLeavesASmallGradientAlone() {
    float[] gradient = {0.03f, -0.04f};
    double norm = Adam.clipGlobalNorm(gradient, 0.5);
    assertEquals(0.05, norm, 1e-8);
    assertArrayEquals(new float[] {0.03f, -0.04f}, gradient, 0f);
  }
}
