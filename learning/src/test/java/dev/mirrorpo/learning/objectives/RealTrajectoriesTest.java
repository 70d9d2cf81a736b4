package dev.mirrorpo.learning.objectives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.mirrorpo.envs.BatchPolicy;
import dev.mirrorpo.envs.Rollouts;
import dev.mirrorpo.envs.Step;
import dev.mirrorpo.envs.Task;
import dev.mirrorpo.envs.Tasks;
import dev.mirrorpo.envs.VecEnv;
import dev.mirrorpo.learning.nn.GradientTape;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.policy.PolicyArchitecture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * x(τ) and ORPO on trajectories played on real hopper physics by a Gaussian policy (raw, unclipped
 * actions, as datasets store them), scored by that policy and by a much narrower and a much wider one,
 * so that actions land many σ out in the tails and boxes get narrow against σ.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealTrajectoriesTest {
  private static final Task HOPPER = Tasks.byName("hopper");
  private static final int EPISODES = 16;

  private GaussianPolicy behaviour;
  private float[] observations;
  private float[] actions;
  private int[] lengths;

  @BeforeAll
  void playEpisodes() {
    behaviour = GaussianPolicy.initialize(PolicyArchitecture.gaussianMlp(HOPPER.observationSize(),
        HOPPER.actionSize()), 21);
    long[] seeds = Rollouts.episodeSeeds(8, EPISODES);
    List<List<float[]>> observed = new ArrayList<>();
    List<List<float[]>> acted = new ArrayList<>();
    for (int i = 0; i < EPISODES; i++) {
      observed.add(new ArrayList<>());
      acted.add(new ArrayList<>());
    }
    int obs = HOPPER.observationSize();
    int act = HOPPER.actionSize();
    try (VecEnv env = new VecEnv(HOPPER, EPISODES, 300, true)) {
      float[] current = env.reset(seeds);
      BatchPolicy policy = behaviour.sampler().create(seeds);
      boolean[] running = new boolean[EPISODES];
      Arrays.fill(running, true);
      int remaining = EPISODES;
      while (remaining > 0) {
        float[] step = policy.act(current, running);
        for (int i = 0; i < EPISODES; i++) {
          if (running[i]) {
            observed.get(i).add(Arrays.copyOfRange(current, i * obs, (i + 1) * obs));
            acted.get(i).add(Arrays.copyOfRange(step, i * act, (i + 1) * act));
          }
        }
        Step outcome = env.step(step);
        current = outcome.observations();
        for (int i = 0; i < EPISODES; i++) {
          if (running[i] && outcome.done(i)) {
            running[i] = false;
            remaining--;
          }
        }
      }
    }
    lengths = observed.stream().mapToInt(List::size).toArray();
    int rows = Arrays.stream(lengths).sum();
    observations = new float[rows * obs];
    actions = new float[rows * act];
    int row = 0;
    for (int i = 0; i < EPISODES; i++) {
      for (int t = 0; t < lengths[i]; t++, row++) {
        System.arraycopy(observed.get(i).get(t), 0, observations, row * obs, obs);
        System.arraycopy(acted.get(i).get(t), 0, actions, row * act, act);
      }
    }
  }

  @AfterAll
  void close() {
    behaviour.close();
  }

  /** The behaviour policy's weights with log σ = {@code logStd} in every dimension. */
  private GaussianPolicy withLogStd(double logStd) {
    float[] values = behaviour.parameters().values();
    int act = HOPPER.actionSize();
    Arrays.fill(values, values.length - act, values.length, (float) logStd);
    return GaussianPolicy.of(behaviour.architecture(), values, behaviour.normalizer().statistics());
  }

  /** Per-step means a of every trajectory under {@code policy}, checking ORPO on consecutive pairs. */
  private float[] checkOrpo(GaussianPolicy policy) {
    int obs = HOPPER.observationSize();
    int rows = observations.length / obs;
    Objective orpo = Objectives.create("orpo", Map.of());
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray x = manager.create(policy.normalizer().normalize(observations), new Shape(rows, obs));
      float[] means;
      float[] logOdds;
      float loss;
      try (GradientTape tape = GradientTape.record()) {
        AutogradNetwork likelihoods = AutogradNetwork.of(new TrajectoryLikelihood(), policy, x, actions, lengths);
        TrajectoryLikelihood.LogLikelihoods all = likelihoods.logLikelihoods();
        means = all.mean().toFloatArray();
        logOdds = Orpo.logOdds(all.mean()).toFloatArray();
        // Trajectory 2k is the chosen side of pair k, 2k + 1 the rejected one.
        NDArray chosen = manager.create(new long[] {0, 2, 4, 6, 8, 10, 12, 14});
        NDArray rejected = chosen.add(1);
        float[] stepCounts = new float[EPISODES];
        for (int i = 0; i < EPISODES; i++) {
          stepCounts[i] = lengths[i];
        }
        NDArray lengthArray = manager.create(stepCounts);
        PairBatch batch = new PairBatch(all.sum().get(chosen), all.sum().get(rejected), all.mean().get(chosen),
            all.mean().get(rejected), lengthArray.get(chosen), lengthArray.get(rejected), null);
        NDArray batchLoss = orpo.loss(batch);
        loss = batchLoss.getFloat();
        tape.backward(batchLoss);
        likelihoods.backpropagate(tape);
      }
      assertTrue(Float.isFinite(loss), "ORPO loss " + loss);
      for (int i = 0; i < EPISODES; i++) {
        // x(τ) = eᵃ ∈ (0, 1) means a finite, negative a (eᵃ itself underflows for a < −745).
        assertTrue(Float.isFinite(means[i]) && means[i] < 0, "a of trajectory " + i + ": " + means[i]);
        assertTrue(Float.isFinite(logOdds[i]), "log odds of trajectory " + i + " (a = " + means[i] + ")");
      }
      for (float g : policy.parameters().takeGradients()) {
        assertTrue(Float.isFinite(g), "ORPO gradient w.r.t. the policy");
      }
      return means;
    }
  }

  @Test
  void orpoLogOddsAreFiniteOnEveryTrajectoryUnderTheBehaviourPolicy() {
    assertTrue(Arrays.stream(lengths).min().getAsInt() >= 5 && Arrays.stream(lengths).distinct().count() > 3,
        "episodes of different lengths: " + Arrays.toString(lengths));
    float[] means = checkOrpo(behaviour);
    // σ = 1 and actions drawn from the policy itself:
    // E[log(0.2·φ(z))] = log 0.2 − ½ log 2π − ½ ≈ −3.03 (x ≈ 0.05).
    double average = 0;
    for (float mean : means) {
      average += mean / means.length;
    }
    assertEquals(-3.03, average, 0.1, Arrays.toString(means));
  }

  @Test
  void orpoLogOddsAreFiniteWhenActionsLieFarInTheTailsOfANarrowPolicy() {
    // σ = e^−6 ≈ 0.0025: the behaviour policy's actions (σ = 1) lie hundreds of σ away.
    try (GaussianPolicy narrow = withLogStd(-6)) {
      float[] means = checkOrpo(narrow);
      assertTrue(Arrays.stream(toDoubles(means)).max().getAsDouble() < -1000, Arrays.toString(means));
    }
  }

  @Test
  void orpoLogOddsAreFiniteWhenBoxesAreNarrowAgainstAWidePolicy() {
    // σ = e^3 ≈ 20: h/σ = 0.005, the midpoint formula's regime.
    try (GaussianPolicy wide = withLogStd(3)) {
      float[] means = checkOrpo(wide);
      double expected = Math.log(2 * 0.1 / Math.exp(3) / Math.sqrt(2 * Math.PI));
      for (float mean : means) {
        assertEquals(expected, mean, 0.02, "a wide Gaussian is nearly flat over the actions");
      }
    }
  }

  private static double[] toDoubles(float[] values) {
    double[] doubles = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      doubles[i] = values[i];
    }
    return doubles;
  }
}
