package dev.mirrorpo.learning.es;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.mirrorpo.learning.io.AtomicFiles;
import dev.mirrorpo.learning.io.JsonFiles;
import dev.mirrorpo.learning.nn.Adam;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Everything an OpenAI-ES search needs to go on, between two generations: the config it runs under, the
 * generation about to be asked, the mean ζ, σ, Adam's moments and step count, the best candidate seen
 * and the raw fitness of the generation that led here. The noise needs no RNG position: it derives from
 * (seed, generation, pair). Immutable: arrays are copied in and out, so a state can be shared between
 * threads.
 *
 * <p>Files are JSON (format {@value #FORMAT}, version {@value #FORMAT_VERSION}) bound by
 * {@link JsonFiles#MAPPER}, float32 arrays as little-endian base64 with a SHA-256 each, so they round-trip
 * bit-exactly; {@link #write} is atomic.
 */
public final class EsState {
  public static final String FORMAT = "mirrorpo-es-state";
  public static final int FORMAT_VERSION = 1;

  private final EsConfig config;
  private final int generation;
  private final double sigma;
  private final float[] mean;
  private final float[] adamFirstMoment;
  private final float[] adamSecondMoment;
  private final long adamSteps;
  private final Best best;
  private final double[] lastFitness;

  /**
   * The best single candidate evaluated so far.
   *
   * @param fitness its raw fitness (finite)
   * @param generation the generation that evaluated it
   * @param pairIndex its pair
   * @param sign its sign, +1 or −1
   * @param parameters its parameter vector
   */
  public record Best(double fitness, int generation, int pairIndex, int sign, float[] parameters) {
    public Best {
      if (!Double.isFinite(fitness)) {
        throw new IllegalArgumentException("best fitness must be finite, got " + fitness);
      }
      if (sign != 1 && sign != -1) {
        throw new IllegalArgumentException("sign must be +1 or -1, got " + sign);
      }
      parameters = parameters.clone();
    }

    @Override
    public float[] parameters() {
      return parameters.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Best b && Double.compare(fitness, b.fitness) == 0 && generation == b.generation
          && pairIndex == b.pairIndex && sign == b.sign && Arrays.equals(parameters, b.parameters);
    }

    @Override
    public int hashCode() {
      return Objects.hash(fitness, generation, pairIndex, sign, Arrays.hashCode(parameters));
    }

    @Override
    public String toString() {
      return "Best[fitness=" + fitness + ", generation=" + generation + ", pair=" + pairIndex + ", sign=" + sign
          + ", " + parameters.length + " parameters]";
    }
  }

  /**
   * @param best null until a candidate has succeeded
   * @param lastFitness raw fitness of the previous generation (failures as NaN); empty for generation 0
   */
  public EsState(EsConfig config, int generation, double sigma, float[] mean, Adam.State adam, Best best,
      double[] lastFitness) {
    this.config = Objects.requireNonNull(config, "config");
    if (generation < 0) {
      throw new IllegalArgumentException("generation must be >= 0, got " + generation);
    }
    if (!(sigma > 0) || !Double.isFinite(sigma)) {
      throw new IllegalArgumentException("sigma must be positive and finite, got " + sigma);
    }
    if (mean.length == 0) {
      throw new IllegalArgumentException("ES needs at least one parameter");
    }
    if (adam.firstMoment().length != mean.length || adam.secondMoment().length != mean.length) {
      throw new IllegalArgumentException("Adam moments of " + adam.firstMoment().length + "/"
          + adam.secondMoment().length + " values for " + mean.length + " parameters");
    }
    if (best != null && best.parameters.length != mean.length) {
      throw new IllegalArgumentException("best candidate has " + best.parameters.length + " parameters, mean has "
          + mean.length);
    }
    if (lastFitness.length != 0 && lastFitness.length != config.candidates()) {
      throw new IllegalArgumentException(lastFitness.length + " last fitness values for "
          + config.candidates() + " candidates");
    }
    this.generation = generation;
    this.sigma = sigma;
    this.mean = mean.clone();
    this.adamFirstMoment = adam.firstMoment().clone();
    this.adamSecondMoment = adam.secondMoment().clone();
    this.adamSteps = adam.steps();
    this.best = best;
    this.lastFitness = new double[lastFitness.length];
    for (int i = 0; i < lastFitness.length; i++) {
      this.lastFitness[i] = FitnessShaping.failed(lastFitness[i]) ? Double.NaN : lastFitness[i];
    }
  }

  public EsConfig config() {
    return config;
  }

  /** The generation that {@link OpenAiEs#ask} will produce next; also the number of generations told. */
  public int generation() {
    return generation;
  }

  public double sigma() {
    return sigma;
  }

  /** Number of parameters. */
  public int dimension() {
    return mean.length;
  }

  /** The search distribution's mean ζ (a copy). */
  public float[] mean() {
    return mean.clone();
  }

  /** Mean coordinate {@code j} without copying. */
  float meanAt(int j) {
    return mean[j];
  }

  public Adam.State adam() {
    return new Adam.State(adamFirstMoment.clone(), adamSecondMoment.clone(), adamSteps);
  }

  /** The best single candidate evaluated so far, or null if none has succeeded yet. */
  public Best best() {
    return best;
  }

  /** Raw fitness told for generation {@code generation() − 1} (failures as NaN); empty for generation 0. */
  public double[] lastFitness() {
    return lastFitness.clone();
  }

  /** Writes the state to {@code file} atomically (temporary file + rename). */
  public void write(Path file) {
    AtomicFiles.writeString(file, toJson());
  }

  public String toJson() {
    List<Double> last = new ArrayList<>();
    for (double f : lastFitness) {
      last.add(Double.isNaN(f) ? null : f);
    }
    StateFile file = new StateFile(FORMAT, FORMAT_VERSION, new ConfigFile(config.pairs(), config.initialSigma(),
        config.sigmaDecay(), config.sigmaFloor(), config.learningRate(), config.shaping(), config.weightDecay(),
        config.seed()), generation, sigma, mean.length, mean,
        new AdamFile(adamSteps, adamFirstMoment, adamSecondMoment),
        best == null ? null : new BestFile(best.fitness, best.generation, best.pairIndex, best.sign, best.parameters),
        last);
    try {
      return JsonFiles.MAPPER.writeValueAsString(file) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode ES state: " + e.getMessage(), e);
    }
  }

  /** The file's layout (format version 1), bound by {@link JsonFiles#MAPPER}. */
  private record StateFile(String format, int formatVersion, ConfigFile config, int generation, double sigma,
      int dimension, float[] mean, AdamFile adam, BestFile best, List<Double> lastFitness) {}

  private record ConfigFile(int pairs, double initialSigma, double sigmaDecay, double sigmaFloor,
      double learningRate, FitnessShaping fitnessShaping, double weightDecay, long seed) {}

  private record AdamFile(long steps, float[] firstMoment, float[] secondMoment) {}

  private record BestFile(double fitness, int generation, int pairIndex, int sign, float[] parameters) {}

  /**
   * Reads a state file.
   *
   * @throws IllegalArgumentException naming the file if it is missing, unreadable, corrupt or of another format
   */
  public static EsState read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("ES state file " + file + " does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException("ES state file " + file + " cannot be read: " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /**
   * Parses the text of a state file; {@code source} names it in messages.
   *
   * @throws IllegalArgumentException naming {@code source} if the text is not a valid state of this format
   */
  public static EsState parse(String text, String source) {
    String problem;
    try {
      StateFile file = JsonFiles.bind(JsonFiles.tree(text, FORMAT, "an ES state file"), FORMAT_VERSION,
          StateFile.class);
      return of(file);
    } catch (JsonFiles.FormatException e) {
      problem = e.getMessage();
    } catch (RuntimeException e) {
      problem = "is corrupt or incomplete: " + e.getMessage();
    }
    throw new IllegalArgumentException("ES state file " + source + " " + problem
        + "; restore it from a backup or delete it to start the search over");
  }

  private static EsState of(StateFile file) {
    ConfigFile c = JsonFiles.required(file.config(), "config");
    EsConfig config = new EsConfig(c.pairs(), c.initialSigma(), c.sigmaDecay(), c.sigmaFloor(), c.learningRate(),
        JsonFiles.required(c.fitnessShaping(), "fitness_shaping"), c.weightDecay(), c.seed());
    int dimension = file.dimension();
    float[] mean = sized(JsonFiles.required(file.mean(), "mean"), "mean", dimension);
    AdamFile adam = JsonFiles.required(file.adam(), "adam");
    Adam.State adamState = new Adam.State(sized(JsonFiles.required(adam.firstMoment(), "first_moment"), "first_moment",
        dimension), sized(JsonFiles.required(adam.secondMoment(), "second_moment"), "second_moment", dimension),
        adam.steps());
    BestFile b = file.best();
    Best best = b == null ? null : new Best(b.fitness(), b.generation(), b.pairIndex(), b.sign(),
        sized(JsonFiles.required(b.parameters(), "parameters"), "parameters", dimension));
    List<Double> last = JsonFiles.required(file.lastFitness(), "last_fitness");
    double[] lastFitness = new double[last.size()];
    for (int i = 0; i < lastFitness.length; i++) {
      lastFitness[i] = last.get(i) == null ? Double.NaN : last.get(i);
    }
    return new EsState(config, file.generation(), file.sigma(), mean, adamState, best, lastFitness);
  }

  private static float[] sized(float[] values, String field, int expectedLength) {
    if (values.length != expectedLength) {
      throw new IllegalArgumentException("field \"" + field + "\" has " + values.length + " values, expected "
          + expectedLength);
    }
    return values;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EsState s && config.equals(s.config) && generation == s.generation
        && Double.compare(sigma, s.sigma) == 0 && Arrays.equals(mean, s.mean)
        && Arrays.equals(adamFirstMoment, s.adamFirstMoment) && Arrays.equals(adamSecondMoment, s.adamSecondMoment)
        && adamSteps == s.adamSteps && Objects.equals(best, s.best) && Arrays.equals(lastFitness, s.lastFitness);
  }

  @Override
  public int hashCode() {
    return Objects.hash(config, generation, sigma, Arrays.hashCode(mean), adamSteps, best);
  }

  @Override
  public String toString() {
    return "EsState[generation=" + generation + ", sigma=" + sigma + ", " + mean.length + " parameters, best="
        + best + "]";
  }
}
