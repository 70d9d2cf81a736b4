package dev.mirrorpo.learning.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.mirrorpo.envs.PolicyFactory;
import dev.mirrorpo.envs.Rollouts;
import dev.mirrorpo.learning.nn.ParameterSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * K Gaussian policies of one architecture as one batched tensor program (JAX's vmap in the MPO paper,
 * docs/training.md): every tensor of {@link GaussianPolicy} gets a leading member axis, so one forward pass
 * computes all K members' action means with batched matrix products, and each native call carries K
 * times the work. The members share the observation normaliser (they learn from the same data).
 *
 * <p>Members are exchanged as flat vectors in {@link GaussianPolicy#parameters()}'s layout, so a member
 * can be taken out as an ordinary policy ({@link #member}) to be saved. The population plays as one too
 * ({@link #sampler}), each member as it plays alone.
 */
public final class PolicyPopulation implements AutoCloseable {
  private final PolicyArchitecture architecture;
  private final RunningMeanVar statistics;
  private final int size;
  private final NDManager manager;
  private final ParameterSet parameters;
  /** Per-member size of each tensor, in layout order. */
  private final int[] memberSizes;
  private final int memberLength;
  private final List<NDArray> weights = new ArrayList<>();
  private final List<NDArray> biases = new ArrayList<>();
  private final NDArray logStd;

  private PolicyPopulation(GaussianPolicy template, List<float[]> members) {
    this.architecture = template.architecture();
    RunningMeanVar own = template.normalizer().statistics();
    this.statistics = new RunningMeanVar(own.mean(), own.variance(), own.count());
    this.size = members.size();
    this.manager = NDManager.newBaseManager("PyTorch");
    this.parameters = new ParameterSet(manager);
    Map<String, Shape> shapes = template.parameters().shapes();
    this.memberSizes = shapes.values().stream().mapToInt(shape -> (int) shape.size()).toArray();
    this.memberLength = template.parameters().size();
    float[][] stacked = stack(members);
    int tensor = 0;
    for (Map.Entry<String, Shape> entry : shapes.entrySet()) {
      NDArray stackedTensor = parameters.add(entry.getKey(), new Shape(size).addAll(entry.getValue()),
          stacked[tensor++]);
      // GaussianPolicy's names: the mean network's layers mean.w0, mean.b0, ..., then log_std.
      if (entry.getKey().startsWith("mean.w")) {
        weights.add(stackedTensor);
      } else if (entry.getKey().startsWith("mean.b")) {
        biases.add(stackedTensor);
      }
    }
    this.logStd = parameters.get("log_std");
  }

  /** K copies of {@code policy} (its parameters and normaliser statistics). */
  public static PolicyPopulation replicate(GaussianPolicy policy, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("a population needs at least one member, got " + size);
    }
    float[] values = policy.parameters().values();
    List<float[]> members = new ArrayList<>();
    for (int k = 0; k < size; k++) {
      members.add(values);
    }
    return new PolicyPopulation(policy, members);
  }

  public PolicyArchitecture architecture() {
    return architecture;
  }

  /** K, the number of members. */
  public int size() {
    return size;
  }

  /** Parameters of one member, in {@link GaussianPolicy#parameters()}'s layout. */
  public int memberLength() {
    return memberLength;
  }

  /** The manager that owns the tensors; arrays made for a forward pass may come from it. */
  public NDManager manager() {
    return manager;
  }

  /**
   * Every member's mean action: for the same normalised observations [N, obs] (training), or each for its own
   * [K, N, obs] (play) → [K, N, act]. Member k's rows are bit for bit those it gets in a population of one
   * for the same N rows, whatever K is: the batched products compute each member's as a product of its own; and
   * with the pinned numerics also those {@link GaussianPolicy#mean} gives it (PolicyPopulationTest).
   */
  public NDArray actionMeans(NDArray normalizedObservations) {
    NDArray x = normalizedObservations;
    for (int layer = 0; layer < weights.size(); layer++) {
      // [N, in] × [K, in, out] broadcasts to [K, N, out]; [K, N, in] × [K, in, out] is a bmm.
      x = x.matMul(weights.get(layer)).add(biases.get(layer));
      if (layer + 1 < weights.size()) {
        x = x.tanh();
      }
    }
    return x;
  }

  /** Every member's log σ, [K, 1, act]. */
  public NDArray logStd() {
    return logStd;
  }

  /**
   * Stochastic play of every member at once, one forward pass per step for all of them, in the layout of
   * {@link Rollouts#evaluate(dev.mirrorpo.envs.Task, PolicyFactory, int, int, long, int)}: member k's
   * episodes are the k-th of K equal blocks of rows. Each row gets, bit for bit, the action member k gets in a
   * population of one (and with the pinned numerics the one its own {@link GaussianPolicy#sampler} gives): the
   * same normaliser code, the same means ({@link #actionMeans}), the same σ, each episode's own noise stream.
   */
  public PolicyFactory sampler() {
    int actionSize = architecture.actionSize();
    float[] std = new float[size * actionSize];
    try (NDScope scope = new NDScope()) {
      for (int k = 0; k < size; k++) {
        // One member's [1, act] at a time, as a policy takes exp of its own: ATen may round the vectorised
        // part of a longer tensor differently from its scalar tail.
        System.arraycopy(logStd.get(k).exp().toFloatArray(), 0, std, k * actionSize, actionSize);
      }
    }
    ObservationNormalizer normalizer = new ObservationNormalizer(statistics);
    return episodeSeeds -> {
      if (episodeSeeds.length % size != 0) {
        throw new IllegalArgumentException(episodeSeeds.length + " episodes cannot be shared equally by the " + size
            + " members of a population");
      }
      SplittableRandom[] streams = GaussianPolicy.actionStreams(episodeSeeds);
      Shape shape = new Shape(size, episodeSeeds.length / size, architecture.observationSize());
      return (observations, running) -> {
        try (NDScope scope = new NDScope()) {
          float[] means = actionMeans(manager.create(normalizer.normalize(observations), shape)).toFloatArray();
          return GaussianPolicy.draw(means, std, actionSize, streams);
        }
      };
    };
  }

  /** Member k's parameters, flat in {@link GaussianPolicy#parameters()}'s layout. */
  public float[] memberValues(int k) {
    return unstack(parameters.values())[checkMember(k)];
  }

  /** Overwrites every member's parameters (flat, one row per member). */
  public void setMemberValues(float[][] members) {
    if (members.length != size) {
      throw new IllegalArgumentException("a population of " + size + " got values of " + members.length);
    }
    float[][] stacked = stack(List.of(members));
    float[] flat = new float[parameters.size()];
    int at = 0;
    for (float[] tensor : stacked) {
      System.arraycopy(tensor, 0, flat, at, tensor.length);
      at += tensor.length;
    }
    parameters.setValues(flat);
  }

  /** The gradients accumulated since the last call, one flat row per member, and resets them to zero. */
  public float[][] takeMemberGradients() {
    return unstack(parameters.takeGradients());
  }

  /** Member k as an independent policy (its parameters, the population's normaliser statistics). */
  public GaussianPolicy member(int k) {
    return GaussianPolicy.of(architecture, memberValues(k),
        new RunningMeanVar(statistics.mean(), statistics.variance(), statistics.count()));
  }

  /** A new population of the given members, in that order (those of a trained population worth evaluating). */
  public PolicyPopulation select(int... members) {
    if (members.length == 0) {
      throw new IllegalArgumentException("a population needs at least one member, got none selected");
    }
    float[][] all = unstack(parameters.values());
    List<float[]> selected = new ArrayList<>();
    for (int k : members) {
      selected.add(all[checkMember(k)]);
    }
    try (GaussianPolicy template = member(members[0])) {
      return new PolicyPopulation(template, selected);
    }
  }

  private int checkMember(int k) {
    if (k < 0 || k >= size) {
      throw new IllegalArgumentException("member " + k + " of a population of " + size);
    }
    return k;
  }

  /** Member rows → one array per tensor, member-major ([K, ...] row-major). */
  private float[][] stack(List<float[]> members) {
    float[][] tensors = new float[memberSizes.length][];
    for (int t = 0; t < memberSizes.length; t++) {
      tensors[t] = new float[size * memberSizes[t]];
    }
    for (int k = 0; k < size; k++) {
      float[] member = members.get(k);
      if (member.length != memberLength) {
        throw new IllegalArgumentException("member " + k + " has " + member.length + " parameters; the architecture "
            + architecture + " has " + memberLength);
      }
      int at = 0;
      for (int t = 0; t < memberSizes.length; t++) {
        System.arraycopy(member, at, tensors[t], k * memberSizes[t], memberSizes[t]);
        at += memberSizes[t];
      }
    }
    return tensors;
  }

  /** The inverse of {@link #stack}, from the parameter set's flat tensor-major vector. */
  private float[][] unstack(float[] flat) {
    float[][] members = new float[size][memberLength];
    int tensorStart = 0;
    int offsetInMember = 0;
    for (int memberSize : memberSizes) {
      for (int k = 0; k < size; k++) {
        System.arraycopy(flat, tensorStart + k * memberSize, members[k], offsetInMember, memberSize);
      }
      tensorStart += size * memberSize;
      offsetInMember += memberSize;
    }
    return members;
  }

  @Override
  public void close() {
    manager.close();
  }
}
