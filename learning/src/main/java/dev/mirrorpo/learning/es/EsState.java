package dev.mirrorpo.learning.es;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorpo.learning.io.AtomicFiles;
import dev.mirrorpo.learning.io.FloatCodec;
import dev.mirrorpo.learning.nn.Adam;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Everything an OpenAI-ES search needs to go on, between two generations: the config it runs under, the
 * generation about to be asked, the mean ζ, σ, Adam's moments and step count, the best candidate seen
 * and the raw fitness of the generation that led here. The noise needs no RNG position: it derives from
 * (seed, generation, pair). Immutable: arrays are copied in and out, so a state can be shared between
 * threads.
 *
 * <p>Files are JSON (format {@value #FORMAT}, version {@value #FORMAT_VERSION}) with float32 arrays as
 * little-endian base64 and a SHA-256 each, so they round-trip bit-exactly; {@link #write} is atomic.
 */
public final class EsState {
  public static final String FORMAT = "mirrorpo-es-state";
  public static final int FORMAT_VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("format_version", FORMAT_VERSION);
    ObjectNode c = root.putObject("config");
    c.put("pairs", config.pairs());
    c.put("initial_sigma", config.initialSigma());
    c.put("sigma_decay", config.sigmaDecay());
    c.put("sigma_floor", config.sigmaFloor());
    c.put("learning_rate", config.learningRate());
    c.put("fitness_shaping", config.shaping().name());
    c.put("weight_decay", config.weightDecay());
    c.put("seed", config.seed());
    root.put("generation", generation);
    root.put("sigma", sigma);
    root.put("dimension", mean.length);
    putFloats(root, "mean", mean);
    ObjectNode adam = root.putObject("adam");
    adam.put("steps", adamSteps);
    putFloats(adam, "first_moment", adamFirstMoment);
    putFloats(adam, "second_moment", adamSecondMoment);
    if (best == null) {
      root.putNull("best");
    } else {
      ObjectNode b = root.putObject("best");
      b.put("fitness", best.fitness);
      b.put("generation", best.generation);
      b.put("pair_index", best.pairIndex);
      b.put("sign", best.sign);
      putFloats(b, "parameters", best.parameters);
    }
    ArrayNode last = root.putArray("last_fitness");
    for (double f : lastFitness) {
      if (Double.isNaN(f)) {
        last.addNull();
      } else {
        last.add(f);
      }
    }
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode ES state: " + e.getMessage(), e);
    }
  }

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
      JsonNode root = JSON.readTree(text);
      if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
        problem = "is not an ES state file (no \"format\": \"" + FORMAT + "\")";
      } else if (root.path("format_version").asInt(-1) != FORMAT_VERSION) {
        problem = "has format version " + root.path("format_version").asText("(none)") + "; this build reads version "
            + FORMAT_VERSION;
      } else {
        return parse(root);
      }
    } catch (JsonProcessingException e) {
      problem = "is not valid JSON (truncated or corrupt: " + e.getOriginalMessage() + ")";
    } catch (RuntimeException e) {
      problem = "is corrupt or incomplete: " + e.getMessage();
    }
    throw new IllegalArgumentException("ES state file " + source + " " + problem
        + "; restore it from a backup or delete it to start the search over");
  }

  private static EsState parse(JsonNode root) {
    JsonNode c = require(root, "config");
    EsConfig config = new EsConfig(
        integer(c, "pairs"),
        number(c, "initial_sigma"),
        number(c, "sigma_decay"),
        number(c, "sigma_floor"),
        number(c, "learning_rate"),
        FitnessShaping.valueOf(require(c, "fitness_shaping").asText()),
        number(c, "weight_decay"),
        longInteger(c, "seed"));
    int dimension = integer(root, "dimension");
    float[] mean = floats(root, "mean", dimension);
    JsonNode adam = require(root, "adam");
    Adam.State adamState = new Adam.State(floats(adam, "first_moment", dimension),
        floats(adam, "second_moment", dimension), longInteger(adam, "steps"));
    JsonNode b = root.get("best");
    Best best = b == null || b.isNull() ? null : new Best(number(b, "fitness"), integer(b, "generation"),
        integer(b, "pair_index"), integer(b, "sign"), floats(b, "parameters", dimension));
    JsonNode last = require(root, "last_fitness");
    if (!last.isArray()) {
      throw new IllegalArgumentException("field \"last_fitness\" is not an array");
    }
    double[] lastFitness = new double[last.size()];
    for (int i = 0; i < lastFitness.length; i++) {
      JsonNode f = last.get(i);
      if (f.isNull()) {
        lastFitness[i] = Double.NaN;
      } else if (f.isNumber()) {
        lastFitness[i] = f.doubleValue();
      } else {
        throw new IllegalArgumentException("last_fitness[" + i + "] is not a number or null");
      }
    }
    return new EsState(config, integer(root, "generation"), number(root, "sigma"), mean, adamState, best,
        lastFitness);
  }

  private static void putFloats(ObjectNode parent, String name, float[] values) {
    ObjectNode node = parent.putObject(name);
    node.put("encoding", FloatCodec.ENCODING);
    node.put("sha256", FloatCodec.checksum(values));
    node.put("data", FloatCodec.encode(values));
  }

  private static float[] floats(JsonNode parent, String name, int expectedLength) {
    JsonNode node = require(parent, name);
    if (!FloatCodec.ENCODING.equals(node.path("encoding").asText())) {
      throw new IllegalArgumentException("field \"" + name + "\" has unknown encoding '"
          + node.path("encoding").asText() + "'");
    }
    float[] values;
    try {
      values = FloatCodec.decode(require(node, "data").asText(), require(node, "sha256").asText());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("field \"" + name + "\": " + e.getMessage(), e);
    }
    if (values.length != expectedLength) {
      throw new IllegalArgumentException("field \"" + name + "\" has " + values.length + " values, expected "
          + expectedLength);
    }
    return values;
  }

  private static JsonNode require(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("field \"" + field + "\" is missing");
    }
    return value;
  }

  private static double number(JsonNode node, String field) {
    JsonNode value = require(node, field);
    if (!value.isNumber()) {
      throw new IllegalArgumentException("field \"" + field + "\" is not a number");
    }
    return value.doubleValue();
  }

  private static int integer(JsonNode node, String field) {
    JsonNode value = require(node, field);
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw new IllegalArgumentException("field \"" + field + "\" is not an int");
    }
    return value.intValue();
  }

  private static long longInteger(JsonNode node, String field) {
    JsonNode value = require(node, field);
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new IllegalArgumentException("field \"" + field + "\" is not a long");
    }
    return value.longValue();
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
