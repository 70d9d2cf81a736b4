package dev.mirrorpo.learning.es;

import dev.mirrorpo.learning.Seeds;
import dev.mirrorpo.learning.nn.Adam;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * OpenAI evolution strategies (Salimans et al. 2017) with an ask/tell API in the style of evosax:
 * {@link #ask} gives the 2P antithetic candidates ζ ± σε_i of a state, the caller evaluates them however it
 * likes, and {@link #tell} turns their fitness into the next state. The search maximises fitness.
 *
 * <p>ε_i of generation g is regenerated from (seed, g, i) alone, so it is never stored or shipped and a
 * worker can rebuild any single candidate with {@link #candidate}. This class holds only its config and is
 * thread-safe; states are immutable. All arithmetic is sequential in a fixed order with {@link StrictMath}
 * where a library function feeds the search, so the same seed gives the same states bit for bit.
 */
public final class OpenAiEs {
  /** Stream tag in {@link Seeds#derive}, so ES noise does not collide with other draws from the run seed. */
  static final long NOISE_STREAM = 0x4553_4E4F_4953_45L;

  private final EsConfig config;

  public OpenAiEs(EsConfig config) {
    if (config == null) {
      throw new IllegalArgumentException("ES config is missing");
    }
    this.config = config;
  }

  public EsConfig config() {
    return config;
  }

  /** Generation 0 around {@code initialMean}: σ = initial σ, zero Adam moments, no best yet. */
  public EsState initialize(float[] initialMean) {
    for (int j = 0; j < initialMean.length; j++) {
      if (!Float.isFinite(initialMean[j])) {
        throw new IllegalArgumentException("initial mean[" + j + "] is " + initialMean[j]);
      }
    }
    int n = initialMean.length;
    return new EsState(config, 0, config.initialSigma(), initialMean,
        new Adam.State(new float[n], new float[n], 0), null, new double[0]);
  }

  /** All 2P candidates of the state's generation, in fitness order (see {@link Candidate#index}). */
  public List<Candidate> ask(EsState state) {
    check(state);
    List<Candidate> candidates = new ArrayList<>(config.candidates());
    double[] noise = new double[state.dimension()];
    for (int i = 0; i < config.pairs(); i++) {
      fillNoise(config.seed(), state.generation(), i, noise);
      candidates.add(new Candidate(candidateIndex(i, 1), i, 1, perturb(state, noise, 1)));
      candidates.add(new Candidate(candidateIndex(i, -1), i, -1, perturb(state, noise, -1)));
    }
    return candidates;
  }

  /** One candidate, ζ + sign·σ·ε_pairIndex, without building the others (for workers). */
  public Candidate candidate(EsState state, int pairIndex, int sign) {
    check(state);
    if (pairIndex < 0 || pairIndex >= config.pairs()) {
      throw new IllegalArgumentException("pair index " + pairIndex + " is outside [0, " + config.pairs() + ")");
    }
    if (sign != 1 && sign != -1) {
      throw new IllegalArgumentException("sign must be +1 or -1, got " + sign);
    }
    double[] noise = new double[state.dimension()];
    fillNoise(config.seed(), state.generation(), pairIndex, noise);
    return new Candidate(candidateIndex(pairIndex, sign), pairIndex, sign, perturb(state, noise, sign));
  }

  /** The candidate at position {@code index} of {@link #ask}'s list. */
  public Candidate candidate(EsState state, int index) {
    if (index < 0 || index >= config.candidates()) {
      throw new IllegalArgumentException("candidate index " + index + " is outside [0, " + config.candidates() + ")");
    }
    return candidate(state, index / 2, index % 2 == 0 ? 1 : -1);
  }

  /**
   * The next state from the fitness of the state's candidates, indexed like {@link #ask}'s list. NaN or −∞
   * marks a failed candidate, which gets the worst shaped value; the generation advances even if all failed
   * (then the gradient is zero and Adam applies only its momentum).
   *
   * <p>Steps: shape the fitness; ĝ = (1/(2σP)) Σ_i ε_i (s_i⁺ − s_i⁻); Adam descends on −ĝ + λζ (an ascent
   * on the fitness); σ ← max(floor, σ·decay); generation + 1; the best single candidate is kept if it beats
   * the best so far (strictly; the earlier wins ties).
   *
   * @throws IllegalArgumentException if the state has another config, the fitness array has the wrong length
   *     or holds +∞
   */
  public EsState tell(EsState state, double[] fitness) {
    check(state);
    if (fitness.length != config.candidates()) {
      throw new IllegalArgumentException("tell got " + fitness.length + " fitness values for "
          + config.candidates() + " candidates");
    }
    double[] shaped = config.shaping().shape(fitness);
    double[] ascent = gradientEstimate(state, shaped);

    int n = state.dimension();
    float[] descent = new float[n];
    for (int j = 0; j < n; j++) {
      descent[j] = (float) (-ascent[j] + config.weightDecay() * state.meanAt(j));
    }
    Adam adam = new Adam(n, EsConfig.ADAM_BETA1, EsConfig.ADAM_BETA2, EsConfig.ADAM_EPSILON);
    adam.restore(state.adam());
    float[] mean = state.mean();
    adam.step(mean, descent, config.learningRate());
    for (int j = 0; j < n; j++) {
      if (!Float.isFinite(mean[j])) {
        throw new IllegalStateException("ES mean[" + j + "] became " + mean[j] + " at generation "
            + state.generation());
      }
    }
    double sigma = Math.max(config.sigmaFloor(), state.sigma() * config.sigmaDecay());
    return new EsState(config, state.generation() + 1, sigma, mean, adam.state(), best(state, fitness), fitness);
  }

  /** ĝ = (1/(2σP)) Σ_i ε_i (s_i⁺ − s_i⁻) for shaped fitness {@code shaped}; the direction of ascent. */
  double[] gradientEstimate(EsState state, double[] shaped) {
    int n = state.dimension();
    double[] sum = new double[n];
    double[] noise = new double[n];
    for (int i = 0; i < config.pairs(); i++) {
      double weight = shaped[candidateIndex(i, 1)] - shaped[candidateIndex(i, -1)];
      if (weight == 0) {
        continue;
      }
      fillNoise(config.seed(), state.generation(), i, noise);
      for (int j = 0; j < n; j++) {
        sum[j] += weight * noise[j];
      }
    }
    double scale = 1 / (2 * state.sigma() * config.pairs());
    for (int j = 0; j < n; j++) {
      sum[j] *= scale;
    }
    return sum;
  }

  private EsState.Best best(EsState state, double[] fitness) {
    int bestIndex = -1;
    for (int k = 0; k < fitness.length; k++) {
      if (!FitnessShaping.failed(fitness[k]) && (bestIndex < 0 || fitness[k] > fitness[bestIndex])) {
        bestIndex = k;
      }
    }
    EsState.Best previous = state.best();
    if (bestIndex < 0 || (previous != null && !(fitness[bestIndex] > previous.fitness()))) {
      return previous;
    }
    Candidate winner = candidate(state, bestIndex);
    return new EsState.Best(fitness[bestIndex], state.generation(), winner.pairIndex(), winner.sign(),
        winner.parameters());
  }

  private void check(EsState state) {
    if (!config.equals(state.config())) {
      throw new IllegalArgumentException("ES state of generation " + state.generation() + " was made with "
          + state.config() + ", not " + config + "; resume with new OpenAiEs(state.config())");
    }
  }

  private static float[] perturb(EsState state, double[] noise, int sign) {
    float[] parameters = new float[noise.length];
    double step = sign * state.sigma();
    for (int j = 0; j < noise.length; j++) {
      parameters[j] = (float) (state.meanAt(j) + step * noise[j]);
    }
    return parameters;
  }

  /** Position of (pairIndex, sign) in {@link #ask}'s list and in the fitness array. */
  public static int candidateIndex(int pairIndex, int sign) {
    return 2 * pairIndex + (sign > 0 ? 0 : 1);
  }

  /** ε of pair {@code pairIndex} in generation {@code generation}: {@code dimension} standard normals. */
  public static double[] noise(long seed, int generation, int pairIndex, int dimension) {
    double[] noise = new double[dimension];
    fillNoise(seed, generation, pairIndex, noise);
    return noise;
  }

  /**
   * Standard normals from one SplittableRandom seeded by (seed, stream, generation, pair), by Marsaglia's
   * polar method with StrictMath.log (Java's nextGaussian tests against Math.exp, whose last bit is not
   * pinned down), two coordinates per accepted point, in coordinate order.
   */
  static void fillNoise(long seed, int generation, int pairIndex, double[] out) {
    SplittableRandom random = new SplittableRandom(Seeds.derive(seed, NOISE_STREAM, generation, pairIndex));
    int j = 0;
    while (j < out.length) {
      double u;
      double v;
      double s;
      do {
        u = 2 * random.nextDouble() - 1;
        v = 2 * random.nextDouble() - 1;
        s = u * u + v * v;
      } while (s >= 1 || s == 0);
      double factor = Math.sqrt(-2 * StrictMath.log(s) / s);
      out[j++] = u * factor;
      if (j < out.length) {
        out[j++] = v * factor;
      }
    }
  }
}
