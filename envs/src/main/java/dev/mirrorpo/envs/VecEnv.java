package dev.mirrorpo.envs;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * N environments of one task, advanced together: one {@link #step} is one native call that runs
 * every environment's physics. An environment whose episode ended is no longer stepped until it is
 * reset; the others go on. Same seeds and actions give bit-identical results.
 */
public final class VecEnv implements AutoCloseable {
  public static final int DEFAULT_MAX_EPISODE_STEPS = 1000;

  private final Task task;
  private final MujocoModel model;
  private final int size;
  private final int maxEpisodeSteps;
  private final boolean terminateWhenUnhealthy;
  private final int nq;
  private final int nv;
  private final int nu;
  private final int observationSize;
  private final int termCount;
  private final double[] qpos0;
  private final double dt;

  private final double[] qpos;
  private final double[] qvel;
  private final double[] qposBefore;
  private final double[] contactForces;
  private final double[] ctrl;
  private final boolean[] active;
  private final boolean[] unstable;
  private final int[] episodeSteps;
  private final float[] observations;
  private final PhysicsStep scratch;
  private boolean everReset;
  private long batch;

  /** N environments of a task with the default episode limit, ending episodes when unhealthy. */
  public VecEnv(Task task, int size) {
    this(task, size, DEFAULT_MAX_EPISODE_STEPS, true);
  }

  /**
   * @param maxEpisodeSteps episodes are truncated after this many steps
   * @param terminateWhenUnhealthy whether an unhealthy state ends the episode (Gymnasium's option
   *     of the same name; the speed benchmark turns it off to match mujoco-testspeed's long runs)
   */
  public VecEnv(Task task, int size, int maxEpisodeSteps, boolean terminateWhenUnhealthy) {
    if (size < 1) {
      throw new IllegalArgumentException("number of environments must be at least 1, got " + size);
    }
    if (maxEpisodeSteps < 1) {
      throw new IllegalArgumentException("episode length limit must be at least 1, got " + maxEpisodeSteps);
    }
    this.task = task;
    this.size = size;
    this.maxEpisodeSteps = maxEpisodeSteps;
    this.terminateWhenUnhealthy = terminateWhenUnhealthy;
    this.model = MujocoModel.fromResource(task.modelResource());
    this.nq = model.nq();
    this.nv = model.nv();
    this.nu = model.nu();
    if (nu != task.actionSize()) {
      model.close();
      throw new MujocoException("model " + task.modelResource() + " has " + nu + " actuators but task "
          + task.name() + " expects " + task.actionSize());
    }
    this.observationSize = task.observationSize();
    this.termCount = task.rewardTermNames().size();
    this.qpos0 = model.initialQpos();
    this.dt = model.timestep() * task.frameSkip();
    int contactForceSize = task.needsContactForces() ? model.nbody() * 6 : 0;
    this.qpos = new double[size * nq];
    this.qvel = new double[size * nv];
    this.qposBefore = new double[size * nq];
    this.contactForces = task.needsContactForces() ? new double[size * contactForceSize] : null;
    this.ctrl = new double[size * nu];
    this.active = new boolean[size];
    this.unstable = new boolean[size];
    this.episodeSteps = new int[size];
    this.observations = new float[size * observationSize];
    this.scratch = new PhysicsStep(nq, nv, nu, contactForceSize);
    this.batch = MujocoNative.makeBatch(model.handle(), size);
  }

  public Task task() {
    return task;
  }

  public int size() {
    return size;
  }

  public int maxEpisodeSteps() {
    return maxEpisodeSteps;
  }

  /** Seconds of simulated time per environment step. */
  public double dt() {
    return dt;
  }

  public MujocoModel model() {
    return model;
  }

  /** Resets every environment, environment i from seeds[i]; returns all N observations. */
  public float[] reset(long[] seeds) {
    int[] all = new int[size];
    Arrays.setAll(all, i -> i);
    return reset(all, seeds);
  }

  /** Resets the listed environments, indices[k] from seeds[k]; returns all N observations. */
  public float[] reset(int[] indices, long[] seeds) {
    if (indices.length != seeds.length) {
      throw new IllegalArgumentException(
          "reset: " + indices.length + " environment indices but " + seeds.length + " seeds");
    }
    double[] envQpos = new double[nq];
    double[] envQvel = new double[nv];
    for (int k = 0; k < indices.length; k++) {
      int i = checkIndex(indices[k]);
      task.sampleInitialState(qpos0, new SplittableRandom(seeds[k]), envQpos, envQvel);
      place(i, envQpos, envQvel);
    }
    everReset = true;
    return observations.clone();
  }

  /**
   * Puts environment i in an exact state and starts a new episode from it (for tests and analysis).
   *
   * @return all N observations
   */
  public float[] setState(int index, double[] envQpos, double[] envQvel) {
    int i = checkIndex(index);
    if (envQpos.length != nq || envQvel.length != nv) {
      throw new IllegalArgumentException("setState: task " + task.name() + " needs qpos of length " + nq
          + " and qvel of length " + nv + ", got " + envQpos.length + " and " + envQvel.length);
    }
    place(i, envQpos, envQvel);
    everReset = true;
    return observations.clone();
  }

  /** Generalised positions of environment i (a copy). */
  public double[] qpos(int index) {
    int i = checkIndex(index);
    return Arrays.copyOfRange(qpos, i * nq, (i + 1) * nq);
  }

  /** Generalised velocities of environment i (a copy). */
  public double[] qvel(int index) {
    int i = checkIndex(index);
    return Arrays.copyOfRange(qvel, i * nv, (i + 1) * nv);
  }

  /**
   * Advances every running environment by one step (frame-skip physics steps) under its action.
   *
   * @param actions N × actionSize values; each is clipped to the control range [-1, 1]
   * @throws IllegalArgumentException for a wrong length or a non-finite action of a running
   *     environment, before anything is advanced
   */
  public Step step(float[] actions) {
    if (batch == 0) {
      throw new IllegalStateException("environments of task " + task.name() + " are closed");
    }
    if (!everReset) {
      throw new IllegalStateException("reset the environments before the first step");
    }
    if (actions.length != size * nu) {
      throw new IllegalArgumentException("actions for task " + task.name() + ": expected " + nu + " per environment × "
          + size + " environments = " + size * nu + " values, got " + actions.length);
    }
    for (int i = 0; i < size; i++) {
      if (!active[i]) {
        continue;
      }
      for (int j = 0; j < nu; j++) {
        float a = actions[i * nu + j];
        if (!Float.isFinite(a)) {
          throw new IllegalArgumentException("action " + j + " of environment " + i + " is " + a
              + "; actions must be finite numbers (the policy produced a non-finite output)");
        }
        ctrl[i * nu + j] = Math.max(-1.0, Math.min(1.0, a));
      }
    }
    System.arraycopy(qpos, 0, qposBefore, 0, qpos.length);
    boolean[] stepped = active.clone();
    MujocoNative.step(batch, ctrl, active, task.frameSkip(), qpos, qvel, contactForces, unstable);

    double[] rewards = new double[size];
    double[] terms = new double[size * termCount];
    boolean[] terminated = new boolean[size];
    boolean[] truncated = new boolean[size];
    boolean[] unstableNow = new boolean[size];
    for (int i = 0; i < size; i++) {
      if (!stepped[i]) {
        continue;
      }
      episodeSteps[i]++;
      loadScratch(i);
      if (unstable[i]) {
        unstableNow[i] = true;
        terminated[i] = true;
        sanitiseState(i);
      } else {
        scratch.healthy = task.isHealthy(scratch.qpos, scratch.qvel);
        task.rewardTerms(scratch, terms, i * termCount);
        double reward = 0;
        for (int t = 0; t < termCount; t++) {
          reward += terms[i * termCount + t];
        }
        rewards[i] = reward;
        terminated[i] = terminateWhenUnhealthy && !scratch.healthy;
      }
      truncated[i] = !terminated[i] && episodeSteps[i] >= maxEpisodeSteps;
      task.observe(scratch.qpos, scratch.qvel, observations, i * observationSize);
      active[i] = !(terminated[i] || truncated[i]);
    }
    return new Step(observations.clone(), rewards, terms, task.rewardTermNames(), stepped, terminated,
        truncated, unstableNow, episodeSteps.clone());
  }

  private void place(int i, double[] envQpos, double[] envQvel) {
    MujocoNative.setState(batch, i, envQpos, envQvel);
    System.arraycopy(envQpos, 0, qpos, i * nq, nq);
    System.arraycopy(envQvel, 0, qvel, i * nv, nv);
    task.observe(envQpos, envQvel, observations, i * observationSize);
    active[i] = true;
    episodeSteps[i] = 0;
  }

  private void loadScratch(int i) {
    System.arraycopy(qposBefore, i * nq, scratch.qposBefore, 0, nq);
    System.arraycopy(qpos, i * nq, scratch.qpos, 0, nq);
    System.arraycopy(qvel, i * nv, scratch.qvel, 0, nv);
    System.arraycopy(ctrl, i * nu, scratch.action, 0, nu);
    if (contactForces != null) {
      int n = scratch.contactForces.length;
      System.arraycopy(contactForces, i * n, scratch.contactForces, 0, n);
    }
    scratch.dt = dt;
  }

  /** An unstable state may hold NaN; the episode is over, so report finite numbers instead. */
  private void sanitiseState(int i) {
    for (int k = 0; k < nq; k++) {
      if (!Double.isFinite(scratch.qpos[k])) {
        scratch.qpos[k] = 0;
      }
    }
    for (int k = 0; k < nv; k++) {
      if (!Double.isFinite(scratch.qvel[k])) {
        scratch.qvel[k] = 0;
      }
    }
  }

  private int checkIndex(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException("environment index " + i + " outside 0.." + (size - 1));
    }
    return i;
  }

  @Override
  public void close() {
    if (batch != 0) {
      MujocoNative.freeBatch(batch);
      batch = 0;
      model.close();
    }
  }
}
