package dev.mirrorpo.learning.policy;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorpo.learning.io.AtomicFiles;
import dev.mirrorpo.learning.io.FloatCodec;
import dev.mirrorpo.learning.io.JsonArrays;
import dev.mirrorpo.learning.io.JsonFiles;
import dev.mirrorpo.learning.nn.ParameterSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Agent files (*.agent.json): human-readable JSON with the architecture, the frozen normaliser, the
 * provenance and the evaluation, and the weights as little-endian float32 in base64 with a SHA-256,
 * so a file round-trips bit-exactly and corruption is caught. Writes are atomic.
 */
public final class AgentFile {
  public static final String FORMAT = "mirrorpo-agent";
  public static final int FORMAT_VERSION = 1;
  public static final String SUFFIX = ".agent.json";
  private static final ObjectMapper JSON = JsonFiles.MAPPER;

  private AgentFile() {}

  /** Writes the agent to {@code file} atomically (temporary file + rename). */
  public static void write(Path file, Agent agent) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("format_version", FORMAT_VERSION);
    root.put("task", agent.task());
    PolicyArchitecture architecture = agent.policy().architecture();
    ObjectNode arch = root.putObject("architecture");
    arch.put("type", architecture.type());
    arch.put("observation_size", architecture.observationSize());
    ArrayNode hidden = arch.putArray("hidden");
    for (int h : architecture.hidden()) {
      hidden.add(h);
    }
    arch.put("action_size", architecture.actionSize());

    RunningMeanVar statistics = agent.policy().normalizer().statistics();
    ObjectNode normalizer = root.putObject("normalizer");
    JsonArrays.putDoubles(normalizer.putArray("mean"), statistics.mean());
    JsonArrays.putDoubles(normalizer.putArray("variance"), statistics.variance());
    normalizer.put("count", statistics.count());

    ParameterSet parameters = agent.policy().parameters();
    ObjectNode weights = root.putObject("parameters");
    ArrayNode layout = weights.putArray("layout");
    parameters.shapes().forEach((name, shape) -> {
      ObjectNode entry = layout.addObject();
      entry.put("name", name);
      ArrayNode dims = entry.putArray("shape");
      for (long dim : shape.getShape()) {
        dims.add(dim);
      }
    });
    float[] values = parameters.values();
    weights.put("encoding", FloatCodec.ENCODING);
    weights.put("sha256", FloatCodec.checksum(values));
    weights.put("data", FloatCodec.encode(values));

    Agent.Provenance provenance = agent.provenance();
    ObjectNode origin = root.putObject("provenance");
    origin.put("command", provenance.command());
    origin.put("seed", provenance.seed());
    origin.put("git_commit", provenance.gitCommit());
    origin.put("created", provenance.created());
    origin.put("training_steps", provenance.trainingSteps());

    Agent.Evaluation evaluation = agent.evaluation();
    if (evaluation == null) {
      root.putNull("evaluation");
    } else {
      ObjectNode eval = root.putObject("evaluation");
      eval.put("env", evaluation.env());
      eval.put("episodes", evaluation.episodes());
      eval.put("seed", evaluation.seed());
      eval.put("mean_return", evaluation.meanReturn());
      eval.put("standard_error", evaluation.standardError());
      eval.put("mean_length", evaluation.meanLength());
    }
    try {
      AtomicFiles.writeString(file, JSON.writeValueAsString(root) + "\n");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode agent as JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Reads an agent file.
   *
   * @throws AgentFileException with one clear message if it is missing, truncated, corrupt, of
   *     another format or of an unknown architecture
   */
  public static Agent read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new AgentFileException(file, "no such file; train one with 'mirrorpo agents train' or check the path");
    } catch (IOException e) {
      throw new AgentFileException(file, "cannot be read: " + e.getMessage());
    }
    return parse(text, file);
  }

  /**
   * Parses the text of an agent file (a pipeline ships the text to its workers, which may not see
   * the file); {@code file} names it in messages.
   *
   * @throws AgentFileException like {@link #read}
   */
  public static Agent parse(String text, Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new AgentFileException(file, "is not valid JSON (truncated or corrupt: "
          + e.getOriginalMessage() + "); regenerate it with the command in agents/README.md");
    }
    if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
      throw new AgentFileException(file, "is not a mirrorpo agent file (no \"format\": \"" + FORMAT + "\")");
    }
    int version = root.path("format_version").asInt(-1);
    if (version != FORMAT_VERSION) {
      throw new AgentFileException(file, "has format version " + version + "; this build reads version "
          + FORMAT_VERSION);
    }
    try {
      return parse(root);
    } catch (IllegalArgumentException | NullPointerException | ClassCastException e) {
      throw new AgentFileException(file, "is corrupt or incomplete: " + e.getMessage());
    }
  }

  private static Agent parse(JsonNode root) {
    String task = requireText(root, "task");
    JsonNode arch = require(root, "architecture");
    JsonNode hiddenNode = require(arch, "hidden");
    int[] hidden = new int[hiddenNode.size()];
    for (int i = 0; i < hidden.length; i++) {
      hidden[i] = hiddenNode.get(i).asInt();
    }
    PolicyArchitecture architecture = new PolicyArchitecture(requireText(arch, "type"),
        require(arch, "observation_size").asInt(), hidden, require(arch, "action_size").asInt());

    JsonNode normalizer = require(root, "normalizer");
    double[] mean = JsonArrays.doubles(require(normalizer, "mean"));
    double[] variance = JsonArrays.doubles(require(normalizer, "variance"));
    RunningMeanVar statistics = new RunningMeanVar(mean, variance, require(normalizer, "count").asDouble());

    JsonNode weights = require(root, "parameters");
    if (!FloatCodec.ENCODING.equals(requireText(weights, "encoding"))) {
      throw new IllegalArgumentException("unknown parameter encoding '" + weights.path("encoding").asText() + "'");
    }
    float[] values = FloatCodec.decode(requireText(weights, "data"), requireText(weights, "sha256"));
    JsonNode layout = require(weights, "layout");

    // Everything that can fail on a missing field is read before the policy holds native memory.
    JsonNode origin = require(root, "provenance");
    Agent.Provenance provenance = new Agent.Provenance(requireText(origin, "command"), require(origin, "seed").asLong(),
        requireText(origin, "git_commit"), requireText(origin, "created"), require(origin, "training_steps").asLong());
    JsonNode eval = root.get("evaluation");
    Agent.Evaluation evaluation = eval == null || eval.isNull() ? null : new Agent.Evaluation(
        requireText(eval, "env"), require(eval, "episodes").asInt(), require(eval, "seed").asLong(),
        require(eval, "mean_return").asDouble(), require(eval, "standard_error").asDouble(),
        require(eval, "mean_length").asDouble());
    GaussianPolicy policy = GaussianPolicy.of(architecture, values, statistics);
    Map<String, Shape> shapes = policy.parameters().shapes();
    int index = 0;
    for (Map.Entry<String, ai.djl.ndarray.types.Shape> entry : shapes.entrySet()) {
      JsonNode declared = layout.get(index++);
      if (declared == null || !entry.getKey().equals(declared.path("name").asText())) {
        policy.close();
        throw new IllegalArgumentException("parameter layout does not match architecture " + architecture);
      }
    }
    return new Agent(task, policy, provenance, evaluation);
  }

  private static JsonNode require(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("field \"" + field + "\" is missing");
    }
    return value;
  }

  private static String requireText(JsonNode node, String field) {
    return require(node, field).asText();
  }
}
