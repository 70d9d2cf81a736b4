package dev.mirrorpo.learning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/**
 * The training stack loads offline: PyTorch comes from the pytorch-native-cpu jar, never from the
 * network (surefire runs with -Dai.djl.offline=true), and autograd works.
 */
class PyTorchOfflineTest {

  @Test
  void pytorchEngineLoadsFromTheJarsWithoutNetwork() {
    assertEquals("true", System.getProperty("ai.djl.offline"));
    Engine engine = Engine.getEngine("PyTorch");
    assertEquals("2.7.1", engine.getVersion());
  }

  @Test
  void autogradMatchesTheAnalyticGradient() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray x = manager.create(new float[] {-1f, 0.5f, 2f});
      x.setRequiresGradient(true);
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray y = x.tanh().sum(); // d/dx tanh(x) = 1 − tanh²(x)
        collector.backward(y);
      }
      float[] expected = new float[3];
      float[] values = {-1f, 0.5f, 2f};
      for (int i = 0; i < 3; i++) {
        double t = Math.tanh(values[i]);
        expected[i] = (float) (1 - t * t);
      }
      assertArrayEquals(expected, x.getGradient().toFloatArray(), 1e-6f);
    }
  }
}
