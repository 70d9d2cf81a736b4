package dev.mirrorpo.envs;

import java.util.SplittableRandom;

/**
 * Measures physics steps per second through the batched Java API under the regime of MuJoCo's own
 * mujoco-testspeed: one uninterrupted run per environment (no termination, no step limit, so no
 * resets) under small control noise, so the two figures simulate the same kind of motion; resets
 * would keep putting the robot back on its feet, where contacts, and so the cost, differ.
 */
public final class ThroughputBenchmark {
  /** Half-width of the uniform control noise; mujoco-testspeed is run with the same ctrlnoise. */
  public static final double CONTROL_NOISE = 0.01;

  private ThroughputBenchmark() {}

  /** Physics steps (environment steps × frame skip) per second over about {@code seconds}. */
  public static double physicsStepsPerSecond(Task task, int numEnvs, double seconds, long seed) {
    try (VecEnv env = new VecEnv(task, numEnvs, Integer.MAX_VALUE, false)) {
      SplittableRandom rng = new SplittableRandom(seed);
      float[] actions = new float[numEnvs * task.actionSize()];
      long[] seeds = new long[numEnvs];
      for (int i = 0; i < numEnvs; i++) {
        seeds[i] = rng.nextLong();
      }
      env.reset(seeds);
      runFor(env, actions, rng, Math.min(0.5, seconds / 4)); // warm the JIT and the caches
      env.reset(seeds);
      long start = System.nanoTime();
      long envSteps = runFor(env, actions, rng, seconds);
      double elapsed = (System.nanoTime() - start) / 1e9;
      return envSteps * task.frameSkip() / elapsed;
    }
  }

  private static long runFor(VecEnv env, float[] actions, SplittableRandom rng, double seconds) {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    long envSteps = 0;
    while (System.nanoTime() < deadline) {
      for (int k = 0; k < actions.length; k++) {
        actions[k] = (float) rng.nextDouble(-CONTROL_NOISE, CONTROL_NOISE);
      }
      Step step = env.step(actions);
      for (boolean stepped : step.stepped()) {
        envSteps += stepped ? 1 : 0;
      }
    }
    return envSteps;
  }

  /**
   * Environment steps per second of uniformly random play with resets at episode ends: the regime
   * of a learner's rollouts, the reference a learner's own throughput is divided by.
   */
  public static double episodicStepsPerSecond(Task task, int numEnvs, double seconds, long seed) {
    try (VecEnv env = new VecEnv(task, numEnvs)) {
      SplittableRandom rng = new SplittableRandom(seed);
      long[] seeds = new long[numEnvs];
      for (int i = 0; i < numEnvs; i++) {
        seeds[i] = rng.nextLong();
      }
      env.reset(seeds);
      float[] actions = new float[numEnvs * task.actionSize()];
      long deadline = System.nanoTime() + (long) (seconds * 1e9);
      long start = System.nanoTime();
      long envSteps = 0;
      while (System.nanoTime() < deadline) {
        for (int k = 0; k < actions.length; k++) {
          actions[k] = (float) rng.nextDouble(-1, 1);
        }
        Step step = env.step(actions);
        for (int i = 0; i < numEnvs; i++) {
          envSteps += step.stepped()[i] ? 1 : 0;
          if (step.done(i)) {
            env.reset(new int[] {i}, new long[] {rng.nextLong()});
          }
        }
      }
      return envSteps / ((System.nanoTime() - start) / 1e9);
    }
  }
}
