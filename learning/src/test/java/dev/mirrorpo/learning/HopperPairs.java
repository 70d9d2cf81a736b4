package dev.mirrorpo.learning;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.mirrorpo.envs.BatchPolicy;
import dev.mirrorpo.envs.Rollouts;
import dev.mirrorpo.envs.Step;
import dev.mirrorpo.envs.Task;
import dev.mirrorpo.envs.Tasks;
import dev.mirrorpo.learning.objectives.TrajectoryLikelihood;
import dev.mirrorpo.learning.policy.AgentFile;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.policy.PolicyArchitecture;
import dev.mirrorpo.learning.training.PairedTrajectories;
import dev.mirrorpo.envs.VecEnv;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Real preference pairs for the tests that train on them: trajectories of the committed Hopper agents
 * (agents/hopper), chosen from one agent and rejected from another, from the same start states, as the
 * dataset generator pairs them (raw, unclipped actions).
 */
public final class HopperPairs {
  public static final Task HOPPER = Tasks.byName("hopper");
  public static final Path AGENTS = Path.of("..", "agents", "hopper");

  private HopperPairs() {}

  public static GaussianPolicy agent(String name) {
    return AgentFile.read(AGENTS.resolve(name + ".agent.json")).policy();
  }

  /** {@code pairs} pairs: {@code chosen} against {@code rejected}, episodes of at most {@code length} steps. */
  public static PairedTrajectories record(GaussianPolicy chosen, GaussianPolicy rejected, long startSeed, int pairs,
      int length) {
    long[] starts = Rollouts.episodeSeeds(startSeed, pairs);
    List<float[][]> w = play(chosen, starts, length);
    List<float[][]> l = play(rejected, starts, length);
    PairedTrajectories.Builder builder = PairedTrajectories.builder("hopper", HOPPER.observationSize(),
        HOPPER.actionSize());
    for (int i = 0; i < pairs; i++) {
      builder.add(w.get(i)[0], w.get(i)[1], l.get(i)[0], l.get(i)[1]);
    }
    return builder.build();
  }

  /** A fresh policy whose frozen normaliser is the data's (a policy trained from scratch on it). */
  public static GaussianPolicy fresh(PairedTrajectories data, long seed) {
    try (GaussianPolicy init = GaussianPolicy.initialize(
        PolicyArchitecture.gaussianMlp(HOPPER.observationSize(), HOPPER.actionSize()), seed)) {
      return GaussianPolicy.of(init.architecture(), init.parameters().values(), data.observationStatistics());
    }
  }

  /** s and a of one side of every pair under {@code policy}: {sums, means}. */
  public static float[][] likelihoods(GaussianPolicy policy, PairedTrajectories.Side side) {
    int obs = HOPPER.observationSize();
    int rows = side.steps();
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      TrajectoryLikelihood.LogLikelihoods all = new TrajectoryLikelihood().of(policy,
          manager.create(policy.normalizer().normalize(side.observations()), new Shape(rows, obs)),
          side.actions(), side.lengths()).logLikelihoods();
      return new float[][] {all.sum().toFloatArray(), all.mean().toFloatArray()};
    }
  }

  private static List<float[][]> play(GaussianPolicy policy, long[] starts, int length) {
    int n = starts.length;
    int obsSize = HOPPER.observationSize();
    int actSize = HOPPER.actionSize();
    List<List<float[]>> observations = new ArrayList<>();
    List<List<float[]>> actions = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      observations.add(new ArrayList<>());
      actions.add(new ArrayList<>());
    }
    try (VecEnv env = new VecEnv(HOPPER, n, length, true)) {
      float[] obs = env.reset(starts);
      BatchPolicy actor = policy.sampler().create(starts);
      boolean[] running = new boolean[n];
      Arrays.fill(running, true);
      boolean any = true;
      while (any) {
        float[] act = actor.act(obs, running);
        for (int i = 0; i < n; i++) {
          if (running[i]) {
            observations.get(i).add(Arrays.copyOfRange(obs, i * obsSize, (i + 1) * obsSize));
            actions.get(i).add(Arrays.copyOfRange(act, i * actSize, (i + 1) * actSize));
          }
        }
        Step step = env.step(act);
        obs = step.observations();
        any = false;
        for (int i = 0; i < n; i++) {
          running[i] = running[i] && !step.done(i);
          any |= running[i];
        }
      }
    }
    List<float[][]> episodes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      episodes.add(new float[][] {flatten(observations.get(i)), flatten(actions.get(i))});
    }
    return episodes;
  }

  private static float[] flatten(List<float[]> rows) {
    int width = rows.get(0).length;
    float[] flat = new float[rows.size() * width];
    for (int r = 0; r < rows.size(); r++) {
      System.arraycopy(rows.get(r), 0, flat, r * width, width);
    }
    return flat;
  }
}
