package dev.mirrorpo.learning.nn;

/**
 * Adam (Kingma & Ba) on a flat parameter vector, with PyTorch's update rule so that settings carry
 * over: m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², θ ← θ − lr·m̂ / (√v̂ + ε).
 */
public final class Adam {
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final float[] firstMoment;
  private final float[] secondMoment;
  private long steps;

  public Adam(int size, double beta1, double beta2, double epsilon) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.firstMoment = new float[size];
    this.secondMoment = new float[size];
  }

  /** Adam with β = (0.9, 0.999) and the given ε. */
  public static Adam withEpsilon(int size, double epsilon) {
    return new Adam(size, 0.9, 0.999, epsilon);
  }

  /** One update of {@code parameters} in place. */
  public void step(float[] parameters, float[] gradient, double learningRate) {
    if (parameters.length != firstMoment.length || gradient.length != firstMoment.length) {
      throw new IllegalArgumentException("Adam over " + firstMoment.length + " parameters got "
          + parameters.length + " parameters and " + gradient.length + " gradients");
    }
    steps++;
    // StrictMath: Math.pow may give another last bit once the JIT compiles it, and a training must not
    // depend on whether it ran early or late in its JVM.
    double correction1 = 1 - StrictMath.pow(beta1, steps);
    double correction2 = 1 - StrictMath.pow(beta2, steps);
    double stepSize = learningRate / correction1;
    double sqrtCorrection2 = Math.sqrt(correction2);
    for (int i = 0; i < parameters.length; i++) {
      double g = gradient[i];
      double m = beta1 * firstMoment[i] + (1 - beta1) * g;
      double v = beta2 * secondMoment[i] + (1 - beta2) * g * g;
      firstMoment[i] = (float) m;
      secondMoment[i] = (float) v;
      parameters[i] -= (float) (stepSize * m / (Math.sqrt(v) / sqrtCorrection2 + epsilon));
    }
  }

  public long steps() {
    return steps;
  }

  /** Moments and step count, for checkpoints. */
  public State state() {
    return new State(firstMoment.clone(), secondMoment.clone(), steps);
  }

  public void restore(State state) {
    if (state.firstMoment().length != firstMoment.length) {
      throw new IllegalArgumentException("Adam state of " + state.firstMoment().length
          + " parameters cannot restore an optimiser of " + firstMoment.length);
    }
    System.arraycopy(state.firstMoment(), 0, firstMoment, 0, firstMoment.length);
    System.arraycopy(state.secondMoment(), 0, secondMoment, 0, secondMoment.length);
    steps = state.steps();
  }

  /** A snapshot of the optimiser. */
  public record State(float[] firstMoment, float[] secondMoment, long steps) {}

  /**
   * Scales the gradient in place so its global L2 norm is at most {@code maxNorm} (PyTorch's
   * clip_grad_norm_; DJL's optClipGrad clips per element instead). Returns the norm before clipping.
   */
  public static double clipGlobalNorm(float[] gradient, double maxNorm) {
    double squares = 0;
    for (float g : gradient) {
      squares += (double) g * g;
    }
    double norm = Math.sqrt(squares);
    double scale = maxNorm / (norm + 1e-6);
    if (scale < 1) {
      for (int i = 0; i < gradient.length; i++) {
        gradient[i] = (float) (gradient[i] * scale);
      }
    }
    return norm;
  }
}
