package dev.mirrorpo.learning.es;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** Helpers shared by the ES tests. */
final class EsTesting {
  private EsTesting() {}

  /** Evaluates every candidate of {@code state} with {@code fitness}, in ask order. */
  static double[] evaluate(OpenAiEs es, EsState state, ToDoubleFunction<float[]> fitness) {
    List<Candidate> candidates = es.ask(state);
    double[] values = new double[candidates.size()];
    for (Candidate c : candidates) {
      values[c.index()] = fitness.applyAsDouble(c.parameters());
    }
    return values;
  }

  /** One generation: ask, evaluate, tell. */
  static EsState step(OpenAiEs es, EsState state, ToDoubleFunction<float[]> fitness) {
    return es.tell(state, evaluate(es, state, fitness));
  }

  /** f(x) = −|x − centre|². */
  static ToDoubleFunction<float[]> sphere(double[] centre) {
    return x -> {
      double sum = 0;
      for (int j = 0; j < centre.length; j++) {
        double d = x[j] - centre[j];
        sum += d * d;
      }
      return -sum;
    };
  }

  /** f(x) = −Σ [100 (x_{j+1} − x_j²)² + (1 − x_j)²], maximal (0) at x = (1, …, 1). */
  static double negativeRosenbrock(float[] x) {
    double sum = 0;
    for (int j = 0; j + 1 < x.length; j++) {
      double a = x[j + 1] - (double) x[j] * x[j];
      double b = 1 - x[j];
      sum += 100 * a * a + b * b;
    }
    return -sum;
  }

  static double distance(float[] x, double[] target) {
    double sum = 0;
    for (int j = 0; j < target.length; j++) {
      double d = x[j] - target[j];
      sum += d * d;
    }
    return Math.sqrt(sum);
  }
}
