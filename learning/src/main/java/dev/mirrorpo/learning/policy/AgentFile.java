package dev.mirrorpo.learning.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.mirrorpo.learning.io.AtomicFiles;
import dev.mirrorpo.learning.io.FloatCodec;
import dev.mirrorpo.learning.io.JsonFiles;
import dev.mirrorpo.learning.nn.ParameterSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Agent files (*.agent.json): human-readable JSON with the architecture, the frozen normaliser, the
 * provenance and the evaluation, and the weights as little-endian float32 in base64 with a SHA-256,
 * so a file round-trips bit-exactly and corruption is caught. Writes are atomic.
 */
public final class AgentFile {
  public static final String FORMAT = "mirrorpo-agent";
  public static final int FORMAT_VERSION = 1;
  public static final String SUFFIX = ".agent.json";

  private AgentFile() {}

  /** The file's layout (format version 1), bound by {@link JsonFiles#MAPPER}. */
  private record AgentJson(String format, int formatVersion, String task, PolicyArchitecture architecture,
      NormalizerJson normalizer, ParametersJson parameters, Agent.Provenance provenance,
      Agent.Evaluation evaluation) {}

  private record NormalizerJson(double[] mean, double[] variance, double count) {}

  /** The weights in {@link FloatCodec}'s encoding, next to the name and shape of each tensor in order. */
  private record ParametersJson(List<TensorJson> layout, String encoding, String sha256, String data) {}

  private record TensorJson(String name, long[] shape) {}

  /** Writes the agent to {@code file} atomically (temporary file + rename). */
  public static void write(Path file, Agent agent) {
    RunningMeanVar statistics = agent.policy().normalizer().statistics();
    ParameterSet parameters = agent.policy().parameters();
    List<TensorJson> layout = new ArrayList<>();
    parameters.shapes().forEach((name, shape) -> layout.add(new TensorJson(name, shape.getShape())));
    float[] values = parameters.values();
    AgentJson json = new AgentJson(FORMAT, FORMAT_VERSION, agent.task(), agent.policy().architecture(),
        new NormalizerJson(statistics.mean(), statistics.variance(), statistics.count()),
        new ParametersJson(layout, FloatCodec.ENCODING, FloatCodec.checksum(values), FloatCodec.encode(values)),
        agent.provenance(), agent.evaluation());
    try {
      AtomicFiles.writeString(file, JsonFiles.MAPPER.writeValueAsString(json) + "\n");
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
    AgentJson json;
    try {
      json = JsonFiles.bind(JsonFiles.tree(text, FORMAT, "a mirrorpo agent file"), FORMAT_VERSION, AgentJson.class);
    } catch (JsonFiles.FormatException e) {
      throw new AgentFileException(file, e.getMessage() + (e.getMessage().startsWith("is not valid JSON")
          ? "; regenerate it with the command in agents/README.md" : ""));
    }
    try {
      return agent(json);
    } catch (IllegalArgumentException e) {
      throw new AgentFileException(file, "is corrupt or incomplete: " + e.getMessage());
    }
  }

  private static Agent agent(AgentJson json) {
    String task = JsonFiles.required(json.task(), "task");
    PolicyArchitecture architecture = JsonFiles.required(json.architecture(), "architecture");
    NormalizerJson normalizer = JsonFiles.required(json.normalizer(), "normalizer");
    RunningMeanVar statistics = new RunningMeanVar(JsonFiles.required(normalizer.mean(), "normalizer.mean"),
        JsonFiles.required(normalizer.variance(), "normalizer.variance"), normalizer.count());
    ParametersJson weights = JsonFiles.required(json.parameters(), "parameters");
    float[] values = FloatCodec.decode(weights.encoding(), JsonFiles.required(weights.data(), "parameters.data"),
        JsonFiles.required(weights.sha256(), "parameters.sha256"));
    List<TensorJson> layout = JsonFiles.required(weights.layout(), "parameters.layout");
    // Everything that can fail on a missing field is checked before the policy holds native memory.
    Agent.Provenance provenance = JsonFiles.required(json.provenance(), "provenance");
    GaussianPolicy policy = GaussianPolicy.of(architecture, values, statistics);
    List<String> declared = layout.stream().map(TensorJson::name).toList();
    if (!declared.equals(List.copyOf(policy.parameters().shapes().keySet()))) {
      policy.close();
      throw new IllegalArgumentException("parameter layout does not match architecture " + architecture);
    }
    return new Agent(task, policy, provenance, json.evaluation());
  }
}
