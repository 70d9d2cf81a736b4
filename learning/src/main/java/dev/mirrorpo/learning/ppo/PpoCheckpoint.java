package dev.mirrorpo.learning.ppo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorpo.learning.io.AtomicFiles;
import dev.mirrorpo.learning.io.FloatCodec;
import dev.mirrorpo.learning.io.JsonFiles;
import dev.mirrorpo.learning.nn.Adam;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything a PPO run needs to continue after a crash, taken between iterations: weights, Adam
 * moments, normaliser statistics and counters. The environments' half-finished episodes are not
 * kept; a resumed run starts fresh episodes (docs/agents.md).
 */
public record PpoCheckpoint(
    String task,
    PpoConfig config,
    long seed,
    int iteration,
    long globalSteps,
    long episodesStarted,
    long episodesFinished,
    double[] recentReturns,
    float[] policyParameters,
    float[] criticParameters,
    Adam.State adam,
    double[] observationMean,
    double[] observationVariance,
    double observationCount,
    double returnMean,
    double returnVariance,
    double returnCount) {

  private static final String FORMAT = "mirrorpo-ppo-checkpoint";
  private static final int FORMAT_VERSION = 1;
  /** The float arrays, which checkpoints written before format version 1 stored without their encoding. */
  private static final List<String> FLOAT_FIELDS = List.of("policy", "critic", "adam_m", "adam_v");

  /** The file's layout (format version 1), bound by {@link JsonFiles#MAPPER}. */
  private record CheckpointJson(String format, int formatVersion, String task, PpoConfig config, long seed,
      int iteration, long globalSteps, long episodesStarted, long episodesFinished, double[] recentReturns,
      float[] policy, float[] critic, float[] adamM, float[] adamV, long adamSteps, double[] observationMean,
      double[] observationVariance, double observationCount, double returnMean, double returnVariance,
      double returnCount) {}

  public static void write(Path file, PpoCheckpoint c) {
    CheckpointJson json = new CheckpointJson(FORMAT, FORMAT_VERSION, c.task, c.config, c.seed, c.iteration,
        c.globalSteps, c.episodesStarted, c.episodesFinished, c.recentReturns, c.policyParameters,
        c.criticParameters, c.adam.firstMoment(), c.adam.secondMoment(), c.adam.steps(), c.observationMean,
        c.observationVariance, c.observationCount, c.returnMean, c.returnVariance, c.returnCount);
    try {
      AtomicFiles.writeString(file, JsonFiles.MAPPER.writeValueAsString(json) + "\n");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode checkpoint: " + e.getMessage(), e);
    }
  }

  /**
   * @throws IllegalArgumentException naming the file if it is not a readable checkpoint
   */
  public static PpoCheckpoint read(Path file) {
    String problem;
    try {
      JsonNode root = JsonFiles.tree(Files.readString(file, StandardCharsets.UTF_8), FORMAT, "a PPO checkpoint");
      CheckpointJson c = JsonFiles.bind(root.has("format_version") ? root : upgraded((ObjectNode) root),
          FORMAT_VERSION, CheckpointJson.class);
      return new PpoCheckpoint(JsonFiles.required(c.task(), "task"), JsonFiles.required(c.config(), "config"),
          c.seed(), c.iteration(), c.globalSteps(), c.episodesStarted(), c.episodesFinished(),
          JsonFiles.required(c.recentReturns(), "recent_returns"), JsonFiles.required(c.policy(), "policy"),
          JsonFiles.required(c.critic(), "critic"), new Adam.State(JsonFiles.required(c.adamM(), "adam_m"),
              JsonFiles.required(c.adamV(), "adam_v"), c.adamSteps()),
          JsonFiles.required(c.observationMean(), "observation_mean"),
          JsonFiles.required(c.observationVariance(), "observation_variance"), c.observationCount(),
          c.returnMean(), c.returnVariance(), c.returnCount());
    } catch (JsonFiles.FormatException e) {
      problem = e.getMessage();
    } catch (IOException e) {
      problem = "cannot be read: " + e.getMessage();
    } catch (RuntimeException e) {
      problem = "is corrupt or incomplete: " + e.getMessage();
    }
    throw new IllegalArgumentException("PPO checkpoint " + file + " " + problem + "; delete it to start the training"
        + " over");
  }

  /**
   * A checkpoint of the layout before format version 1, which had the same fields but the config's keys in
   * camelCase and the float arrays without their encoding, in today's layout.
   */
  private static JsonNode upgraded(ObjectNode root) {
    ObjectNode config = JsonFiles.MAPPER.createObjectNode();
    PropertyNamingStrategies.NamingBase snakeCase = new PropertyNamingStrategies.SnakeCaseStrategy();
    root.path("config").properties().forEach(entry -> config.set(snakeCase.translate(entry.getKey()), entry.getValue()));
    root.set("config", config);
    for (String field : FLOAT_FIELDS) {
      if (root.get(field) instanceof ObjectNode floats) {
        floats.put("encoding", FloatCodec.ENCODING);
      }
    }
    return root.put("format_version", FORMAT_VERSION);
  }
}
