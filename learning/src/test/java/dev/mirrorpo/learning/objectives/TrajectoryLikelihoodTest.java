package dev.mirrorpo.learning.objectives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.mirrorpo.learning.nn.GradientTape;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.policy.PolicyArchitecture;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The box-mass likelihood (its Java values and hand-written derivatives, and the float32 autograd reference
 * with its log-space helpers) against double-precision integration.
 */
class TrajectoryLikelihoodTest {
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private float[] apply(UnaryOperator<NDArray> op, double... xs) {
    float[] values = new float[xs.length];
    for (int i = 0; i < xs.length; i++) {
      values[i] = (float) xs[i];
    }
    return op.apply(manager.create(values)).toFloatArray();
  }

  @Test
  void log1mexpKeepsItsRelativePrecisionNearZeroAndHasItsDerivativeAsGradient() {
    double[] xs = {-1e-20, -1e-7, -1e-3, -0.3, -0.69, -0.7, -2, -20, -80};
    float[] log1mexp = apply(LogSpace::log1mexp, xs);
    for (int i = 0; i < xs.length; i++) {
      double x = (float) xs[i];
      double expected = x > -0.69 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
      assertEquals(expected, log1mexp[i], 3e-7 * Math.abs(expected), "log1mexp(" + x + ")");
    }
    assertEquals(Math.log(1e-30), apply(LogSpace::log1mexp, 0)[0], 1e-4, "x = 0 is clamped, not −∞");
    float[] at = {-1e-7f, -0.3f, -0.7f, -20f, 0f};
    float[] gradient;
    try (GradientTape tape = GradientTape.record()) {
      NDArray x = manager.create(at);
      x.setRequiresGradient(true);
      tape.backward(LogSpace.log1mexp(x).sum());
      gradient = x.getGradient().toFloatArray();
    }
    for (int i = 0; i + 1 < at.length; i++) {
      double expected = -Math.exp(at[i]) / -Math.expm1(at[i]);
      assertEquals(expected, gradient[i], 1e-6 * Math.abs(expected), "d/dx log1mexp at " + at[i]);
    }
    assertEquals(0f, gradient[at.length - 1], "no gradient where x is clamped");
  }

  @Test
  void logNormalCdfMatchesIntegrationFromTheFarLowerTailToTheUpperTail() {
    double[] zs = {-40, -25, -12.5, -8, -5, -3.3, -1, -0.25, 0, 0.4, 1.7, 3, 5, 8};
    float[] logCdf = apply(AutogradLikelihood::logNormalCdf, zs);
    for (int i = 0; i < zs.length; i++) {
      double expected = NormalMass.logCdf(zs[i]);
      // The erfc fit's fractional error (1.2e-7) plus float32 rounding of values near −800.
      double tolerance = 4e-7 * Math.max(1, Math.abs(expected)) + (zs[i] > 0 ? 3e-7 * -expected : 0);
      assertEquals(expected, logCdf[i], tolerance, "log Φ(" + zs[i] + ")");
    }
  }

  /** One box: action a, mean μ, σ, half-width h. */
  private record Box(double action, double mean, double sigma, double halfWidth) {
    double w() {
      return halfWidth / sigma;
    }

    double z() {
      return (action - mean) / sigma;
    }
  }

  /** BoxMass at float32 inputs, as the trainer calls it: {log P, ∂/∂μ, ∂/∂log σ}. */
  private static double[] javaBoxMass(Box box) {
    float logStd = (float) Math.log(box.sigma());
    double inverseStd = StrictMath.exp(-logStd);
    double[] derivatives = new double[2];
    double logMass = BoxMass.logMass((float) box.action(), (float) box.mean(), inverseStd,
        box.halfWidth() * inverseStd, StrictMath.log(2 * box.halfWidth()) - logStd, derivatives);
    return new double[] {logMass, derivatives[0], derivatives[1]};
  }

  /** The float32 autograd reference: {log P, ∂/∂μ, ∂/∂log σ}. */
  private double[] autogradBoxMass(Box box) {
    NDArray mean = manager.create(new float[] {(float) box.mean()}, new Shape(1, 1));
    NDArray logStd = manager.create(new float[] {(float) Math.log(box.sigma())}, new Shape(1, 1));
    mean.setRequiresGradient(true);
    logStd.setRequiresGradient(true);
    float logMass;
    try (GradientTape tape = GradientTape.record()) {
      NDArray value = AutogradLikelihood.logBoxMass(mean, logStd,
          manager.create(new float[] {(float) box.action()}, new Shape(1, 1)), box.halfWidth());
      logMass = value.getFloat(0, 0);
      tape.backward(value.sum());
    }
    return new double[] {logMass, mean.getGradient().getFloat(0, 0), logStd.getGradient().getFloat(0, 0)};
  }

  private static double reference(Box box) {
    // The reference sees the same float32-rounded inputs as the code under test.
    return NormalMass.logBoxMass((float) box.action(), (float) box.mean(),
        Math.exp((float) Math.log(box.sigma())), box.halfWidth());
  }

  @Test
  void boxMassMatchesIntegrationForNarrowAndWideBoxes() {
    SplittableRandom rng = new SplittableRandom(5);
    List<Box> boxes = new ArrayList<>();
    double[] sigmas = {0.02, 0.3, 1, 2, 5, 200};
    double[] halfWidths = {0.1, 1e-3};
    double[] zs = {0, 0.4, -1.7, 3, -6, 8, -12, 40};
    for (double sigma : sigmas) {
      for (double h : halfWidths) {
        for (double z : zs) {
          double mean = rng.nextDouble(-0.5, 0.5);
          boxes.add(new Box(mean + z * sigma, mean, sigma, h));
        }
      }
    }
    int narrow = 0;
    for (Box box : boxes) {
      narrow += box.w() * Math.max(1, Math.abs(box.z())) < BoxMass.NARROW_BOX ? 1 : 0;
      double expected = reference(box);
      double java = javaBoxMass(box)[0];
      float autograd = (float) autogradBoxMass(box)[0];
      assertTrue(Double.isFinite(java) && java <= 0, box + ": " + java);
      assertEquals(expected, java, 3e-6 * Math.max(1, Math.abs(expected)), box.toString());
      assertTrue(Float.isFinite(autograd) && autograd <= 0, box + ": " + autograd);
      assertEquals(expected, autograd, 3e-6 * Math.max(1, Math.abs(expected)), box + " (autograd reference)");
    }
    assertTrue(narrow > 10 && narrow < boxes.size() - 10, "both formulas are exercised: " + narrow + " narrow boxes");
  }

  @Test
  void actionsFarInTheTailsGiveFiniteLikelihoodsAndDerivatives() {
    double sigma = Math.exp(-3);
    double[] deviations = {8, 20, 100, 1000, 10_000};
    for (int i = 0; i < deviations.length; i++) {
      Box box = new Box(0.2 + (i % 2 == 0 ? 1 : -1) * deviations[i] * sigma, 0.2, sigma, 0.1);
      double[] java = javaBoxMass(box);
      double expected = reference(box);
      assertEquals(expected, java[0], 3e-6 * Math.abs(expected), deviations[i] + "σ");
      double[] expectedDerivatives = finiteDifferences(box);
      assertEquals(expectedDerivatives[0], java[1], 1e-3 * Math.abs(expectedDerivatives[0]), deviations[i] + "σ ∂/∂μ");
      assertEquals(expectedDerivatives[1], java[2], 1e-3 * Math.abs(expectedDerivatives[1]),
          deviations[i] + "σ ∂/∂log σ");
    }
  }

  /** Central differences of the integrated log mass with respect to μ and log σ: {∂/∂μ, ∂/∂log σ}. */
  private static double[] finiteDifferences(Box box) {
    double step = 1e-5;
    double byMean = (NormalMass.logBoxMass(box.action(), box.mean() + step, box.sigma(), box.halfWidth())
        - NormalMass.logBoxMass(box.action(), box.mean() - step, box.sigma(), box.halfWidth())) / (2 * step);
    double byLogStd = (NormalMass.logBoxMass(box.action(), box.mean(), box.sigma() * Math.exp(step), box.halfWidth())
        - NormalMass.logBoxMass(box.action(), box.mean(), box.sigma() * Math.exp(-step), box.halfWidth()))
        / (2 * step);
    return new double[] {byMean, byLogStd};
  }

  @Test
  void boxMassDerivativesMatchFiniteDifferencesOfTheIntegralAndAutograd() {
    // Wide, narrow, straddling the mean, in the tail, and on the narrow formula's side of its threshold;
    // μ and log σ are what the policy trains.
    Box[] boxes = {
      new Box(0.35, 0.1, 0.3, 0.1), new Box(-0.9, 0.2, 0.15, 0.1), new Box(0.5, 0.52, 0.05, 0.1),
      new Box(0.4, -0.3, 1.5, 0.1), new Box(0.02, 0.0, 3.0, 0.1), new Box(0.3, 0.1, 5.0, 0.1),
      new Box(-2.0, 0.4, 4.0, 0.1), new Box(1.1, -0.2, 0.02, 0.1), new Box(0.1, 0.1, 0.5, 0.1),
      new Box(0.6, 0.1, 2.05, 0.1)
    };
    int narrow = 0;
    for (Box box : boxes) {
      narrow += box.w() * Math.max(1, Math.abs(box.z())) < BoxMass.NARROW_BOX ? 1 : 0;
      double[] exact = finiteDifferences(box);
      double byMean = exact[0];
      double byLogStd = exact[1];
      double[] java = javaBoxMass(box);
      double[] autograd = autogradBoxMass(box);
      // Finite differences of the exact mass: the erfc fit's error and the midpoint rule's stay below 1e-3.
      assertEquals(byMean, java[1], 1e-3 * Math.max(1, Math.abs(byMean)), box + " ∂/∂μ");
      assertEquals(byLogStd, java[2], 1e-3 * Math.max(1, Math.abs(byLogStd)), box + " ∂/∂log σ");
      // Autograd differentiates the same formula in float32.
      assertEquals(autograd[1], java[1], 1e-4 * Math.max(1, Math.abs(autograd[1])), box + " ∂/∂μ vs autograd");
      assertEquals(autograd[2], java[2], 1e-4 * Math.max(1, Math.abs(autograd[2])), box + " ∂/∂log σ vs autograd");
    }
    assertTrue(narrow >= 2 && narrow <= boxes.length - 2, "both formulas are exercised: " + narrow + " narrow boxes");
  }

  @Test
  void trajectoryLikelihoodsAreSumsAndMeansOfTheStepsBoxMasses() {
    int obs = 3;
    int act = 2;
    PolicyArchitecture architecture = new PolicyArchitecture(PolicyArchitecture.GAUSSIAN_MLP, obs, new int[] {4}, act);
    SplittableRandom rng = new SplittableRandom(3);
    try (GaussianPolicy policy = GaussianPolicy.initialize(architecture, 7)) {
      float[] values = policy.parameters().values();
      for (int i = 0; i < values.length; i++) {
        values[i] += (float) (0.5 * rng.nextGaussian());
      }
      policy.parameters().setValues(values);
      int[] lengths = {3, 1, 5};
      int rows = 9;
      float[] observations = new float[rows * obs];
      float[] actions = new float[rows * act];
      for (int i = 0; i < observations.length; i++) {
        observations[i] = (float) rng.nextGaussian();
      }
      for (int i = 0; i < actions.length; i++) {
        actions[i] = (float) (2 * rng.nextGaussian());
      }
      TrajectoryLikelihood likelihood = new TrajectoryLikelihood(0.1);
      TrajectoryLikelihood.LogLikelihoods result;
      float[] likelihoods;
      try (GradientTape tape = GradientTape.record()) {
        AutogradNetwork evaluation = AutogradNetwork.of(likelihood, policy,
            manager.create(observations, new Shape(rows, obs)), actions, lengths);
        result = evaluation.logLikelihoods();
        likelihoods = result.likelihood().toFloatArray();
        tape.backward(result.mean().sum());
        evaluation.backpropagate(tape);
      }

      GaussianPolicy.Distribution distribution = policy.distributionOfNormalized(observations);
      float[] sums = result.sum().toFloatArray();
      float[] means = result.mean().toFloatArray();
      int row = 0;
      for (int trajectory = 0; trajectory < lengths.length; trajectory++) {
        double expected = 0;
        for (int t = 0; t < lengths[trajectory]; t++, row++) {
          for (int d = 0; d < act; d++) {
            expected += NormalMass.logBoxMass(actions[row * act + d], distribution.mean()[row * act + d],
                distribution.std()[d], 0.1);
          }
        }
        assertEquals(expected, sums[trajectory], 1e-5 * Math.abs(expected), "s of trajectory " + trajectory);
        double mean = expected / (lengths[trajectory] * act);
        assertEquals(mean, means[trajectory], 1e-5 * Math.abs(mean), "a of trajectory " + trajectory);
        assertTrue(likelihoods[trajectory] > 0 && likelihoods[trajectory] < 1, "x(τ) = " + likelihoods[trajectory]);
      }
      float[] gradient = policy.parameters().takeGradients();
      double norm = 0;
      for (float g : gradient) {
        assertTrue(Float.isFinite(g));
        norm += g * g;
      }
      assertTrue(norm > 0, "a depends on the policy's parameters");
    }
  }

  @Test
  void badInputIsRefusedWithTheReason() {
    IllegalArgumentException width = assertThrows(IllegalArgumentException.class, () -> new TrajectoryLikelihood(0));
    assertTrue(width.getMessage().contains("half-width"), width.getMessage());
    PolicyArchitecture architecture = PolicyArchitecture.gaussianMlp(3, 2);
    try (GaussianPolicy policy = GaussianPolicy.initialize(architecture, 1)) {
      NDArray observations = manager.zeros(new Shape(4, 3));
      float[] actions = new float[4 * 2];
      IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
          () -> new TrajectoryLikelihood().of(policy, observations, actions, new int[] {2, 3}));
      assertTrue(rows.getMessage().contains("summing to 5"), rows.getMessage());
      IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
          () -> new TrajectoryLikelihood().of(policy, observations, actions, new int[] {4, 0}));
      assertTrue(empty.getMessage().contains("at least one step"), empty.getMessage());
    }
  }
}
