package dev.mirrorpo.learning.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.mirrorpo.envs.BatchPolicy;
import dev.mirrorpo.envs.PolicyFactory;
import dev.mirrorpo.envs.Rollouts;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A 3 → 4 → 2 policy with known weights against a forward pass and log-density written out in double. */
class GaussianPolicyTest {
  private static final int OBS = 3;
  private static final int HIDDEN = 4;
  private static final int ACT = 2;
  private static final double[] LOG_STD = {-0.5, 0.3};
  private static final double[] NORMALIZER_MEAN = {0.5, -1, 2};
  private static final double[] NORMALIZER_VARIANCE = {4, 0.25, 1e-6};

  private float[] values;
  private GaussianPolicy policy;
  private NDManager manager;

  @BeforeEach
  void buildPolicy() {
    PolicyArchitecture architecture = new PolicyArchitecture(PolicyArchitecture.GAUSSIAN_MLP, OBS, new int[] {HIDDEN}, ACT);
    SplittableRandom rng = new SplittableRandom(11);
    values = new float[OBS * HIDDEN + HIDDEN + HIDDEN * ACT + ACT + ACT];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) rng.nextDouble(-1, 1);
    }
    values[values.length - 2] = (float) LOG_STD[0];
    values[values.length - 1] = (float) LOG_STD[1];
    policy = GaussianPolicy.of(architecture, values,
        new RunningMeanVar(NORMALIZER_MEAN, NORMALIZER_VARIANCE, 100));
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterEach
  void close() {
    manager.close();
    policy.close();
  }

  /** μ(x) = tanh(x·W0 + b0)·W1 + b1 with the flat layout [w0 (3×4), b0, w1 (4×2), b1, log_std]. */
  private double[] handMean(float[] x) {
    int w0 = 0;
    int b0 = w0 + OBS * HIDDEN;
    int w1 = b0 + HIDDEN;
    int b1 = w1 + HIDDEN * ACT;
    double[] hidden = new double[HIDDEN];
    for (int h = 0; h < HIDDEN; h++) {
      double sum = values[b0 + h];
      for (int i = 0; i < OBS; i++) {
        sum += (double) x[i] * values[w0 + i * HIDDEN + h];
      }
      hidden[h] = Math.tanh(sum);
    }
    double[] mean = new double[ACT];
    for (int a = 0; a < ACT; a++) {
      double sum = values[b1 + a];
      for (int h = 0; h < HIDDEN; h++) {
        sum += hidden[h] * values[w1 + h * ACT + a];
      }
      mean[a] = sum;
    }
    return mean;
  }

  /** log N(a; μ, diag σ²) = Σ_d −(a_d − μ_d)²/(2σ_d²) − log σ_d − ½ log 2π. */
  private static double gaussianLogDensity(float[] action, double[] mean) {
    double sum = 0;
    for (int d = 0; d < mean.length; d++) {
      double sigma = Math.exp(LOG_STD[d]);
      double deviation = action[d] - mean[d];
      sum += -deviation * deviation / (2 * sigma * sigma) - Math.log(sigma) - 0.5 * Math.log(2 * Math.PI);
    }
    return sum;
  }

  private static float[] handNormalize(float[] raw) {
    float[] normalized = new float[raw.length];
    for (int i = 0; i < raw.length; i++) {
      double z = (raw[i] - NORMALIZER_MEAN[i]) / Math.sqrt(NORMALIZER_VARIANCE[i] + 1e-8);
      normalized[i] = (float) Math.max(-10, Math.min(10, z));
    }
    return normalized;
  }

  @Test
  void parametersAreLaidOutAsTheHandComputationAssumes() {
    assertEquals(List.of("mean.w0", "mean.b0", "mean.w1", "mean.b1", "log_std"), policy.parameters().names());
    assertArrayEquals(values, policy.parameters().values());
  }

  @Test
  void meanIsTheTanhMlpForward() {
    float[] x = {0.2f, -1.3f, 0.7f};
    float[] mean = policy.mean(manager.create(x, new Shape(1, OBS))).toFloatArray();
    double[] expected = handMean(x);
    for (int a = 0; a < ACT; a++) {
      assertEquals(expected[a], mean[a], 1e-5, "action " + a);
    }
  }

  @Test
  void djlLogProbIsTheDiagonalGaussianLogDensity() {
    float[][] observations = {{0.2f, -1.3f, 0.7f}, {-2f, 0f, 3f}};
    // Near the mean, one σ out, and far in the tail.
    float[][] actions = {{0.1f, -0.4f}, {2.5f, -3f}};
    float[] flatObservations = new float[2 * OBS];
    float[] flatActions = new float[2 * ACT];
    for (int row = 0; row < 2; row++) {
      System.arraycopy(observations[row], 0, flatObservations, row * OBS, OBS);
      System.arraycopy(actions[row], 0, flatActions, row * ACT, ACT);
    }
    float[] logProbs = policy.logProb(manager.create(flatObservations, new Shape(2, OBS)),
        manager.create(flatActions, new Shape(2, ACT))).toFloatArray();
    assertEquals(2, logProbs.length);
    for (int row = 0; row < 2; row++) {
      double expected = gaussianLogDensity(actions[row], handMean(observations[row]));
      assertEquals(expected, logProbs[row], 1e-5 * Math.max(1, Math.abs(expected)), "row " + row);
    }
  }

  @Test
  void javaLogProbOfRawObservationsIsTheDiagonalGaussianLogDensity() {
    // The third raw value lies 100 σ from the normaliser's mean, so it is clipped to 10.
    float[] raw = {1.5f, -0.2f, 2.1f, -3f, -1f, 1.9f};
    float[] actions = {0.1f, -0.4f, 2.5f, -3f};
    GaussianPolicy.Distribution distribution = policy.distribution(raw);
    assertArrayEquals(new float[] {(float) Math.exp(LOG_STD[0]), (float) Math.exp(LOG_STD[1])}, distribution.std(), 1e-6f);
    for (int row = 0; row < 2; row++) {
      float[] normalized = handNormalize(Arrays.copyOfRange(raw, row * OBS, row * OBS + OBS));
      double[] mean = handMean(normalized);
      float[] action = Arrays.copyOfRange(actions, row * ACT, row * ACT + ACT);
      assertEquals(mean[0], distribution.mean()[row * ACT], 1e-5);
      assertEquals(mean[1], distribution.mean()[row * ACT + 1], 1e-5);
      assertEquals(gaussianLogDensity(action, mean), distribution.logProb(row, actions), 1e-4, "row " + row);
    }
  }

  private static float[] play(PolicyFactory factory, long[] episodeSeeds, float[] observations, int steps) {
    BatchPolicy batch = factory.create(episodeSeeds);
    boolean[] running = new boolean[episodeSeeds.length];
    Arrays.fill(running, true);
    float[] actions = new float[0];
    for (int t = 0; t < steps; t++) {
      float[] step = batch.act(observations, running);
      actions = Arrays.copyOf(actions, actions.length + step.length);
      System.arraycopy(step, 0, actions, actions.length - step.length, step.length);
    }
    return actions;
  }

  @Test
  void samplerDrawsEachEpisodesNoiseFromItsOwnSeed() {
    float[] observation = {1.5f, -0.2f, 0.3f};
    float[] three = new float[3 * OBS];
    for (int row = 0; row < 3; row++) {
      System.arraycopy(observation, 0, three, row * OBS, OBS);
    }
    long[] seeds = {11, 22, 33};
    float[] batched = play(policy.sampler(), seeds, three, 4);
    assertArrayEquals(batched, play(policy.sampler(), seeds, three, 4), "same seeds, same actions");

    // Episode 22 plays the same actions alone as in the middle of a batch.
    float[] alone = play(policy.sampler(), new long[] {22}, observation, 4);
    for (int t = 0; t < 4; t++) {
      float[] inBatch = Arrays.copyOfRange(batched, t * 3 * ACT + ACT, t * 3 * ACT + 2 * ACT);
      assertArrayEquals(Arrays.copyOfRange(alone, t * ACT, t * ACT + ACT), inBatch, "step " + t);
    }
    assertFalse(Arrays.equals(Arrays.copyOfRange(batched, 0, ACT), Arrays.copyOfRange(batched, ACT, 2 * ACT)),
        "different episodes draw different noise");

    // a = μ + σ·ε with ε from the episode's action stream (Rollouts.actionStream).
    double[] mean = handMean(handNormalize(observation));
    SplittableRandom noise = Rollouts.actionStream(22);
    for (int d = 0; d < ACT; d++) {
      assertEquals(mean[d] + Math.exp(LOG_STD[d]) * noise.nextGaussian(), alone[d], 1e-5);
    }
  }
}
