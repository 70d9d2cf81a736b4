package dev.mirrorpo.learning.ppo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorpo.learning.io.AtomicFiles;
import dev.mirrorpo.learning.io.FloatCodec;
import dev.mirrorpo.learning.io.JsonArrays;
import dev.mirrorpo.learning.nn.Adam;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void write(Path file, PpoCheckpoint c) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("task", c.task);
    root.set("config", JSON.valueToTree(c.config));
    root.put("seed", c.seed);
    root.put("iteration", c.iteration);
    root.put("global_steps", c.globalSteps);
    root.put("episodes_started", c.episodesStarted);
    root.put("episodes_finished", c.episodesFinished);
    JsonArrays.putDoubles(root.putArray("recent_returns"), c.recentReturns);
    putFloats(root, "policy", c.policyParameters);
    putFloats(root, "critic", c.criticParameters);
    putFloats(root, "adam_m", c.adam.firstMoment());
    putFloats(root, "adam_v", c.adam.secondMoment());
    root.put("adam_steps", c.adam.steps());
    JsonArrays.putDoubles(root.putArray("observation_mean"), c.observationMean);
    JsonArrays.putDoubles(root.putArray("observation_variance"), c.observationVariance);
    root.put("observation_count", c.observationCount);
    root.put("return_mean", c.returnMean);
    root.put("return_variance", c.returnVariance);
    root.put("return_count", c.returnCount);
    try {
      AtomicFiles.writeString(file, JSON.writeValueAsString(root));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode checkpoint: " + e.getMessage(), e);
    }
  }

  /**
   * @throws IllegalArgumentException naming the file if it is not a readable checkpoint
   */
  public static PpoCheckpoint read(Path file) {
    try {
      JsonNode root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
      if (!FORMAT.equals(root.path("format").asText())) {
        throw new IllegalArgumentException("not a PPO checkpoint");
      }
      return new PpoCheckpoint(
          root.get("task").asText(),
          JSON.treeToValue(root.get("config"), PpoConfig.class),
          root.get("seed").asLong(),
          root.get("iteration").asInt(),
          root.get("global_steps").asLong(),
          root.get("episodes_started").asLong(),
          root.get("episodes_finished").asLong(),
          JsonArrays.doubles(root.get("recent_returns")),
          floats(root, "policy"),
          floats(root, "critic"),
          new Adam.State(floats(root, "adam_m"), floats(root, "adam_v"), root.get("adam_steps").asLong()),
          JsonArrays.doubles(root.get("observation_mean")),
          JsonArrays.doubles(root.get("observation_variance")),
          root.get("observation_count").asDouble(),
          root.get("return_mean").asDouble(),
          root.get("return_variance").asDouble(),
          root.get("return_count").asDouble());
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("PPO checkpoint " + file + " cannot be used (" + e.getMessage()
          + "); delete it to start the training over", e);
    }
  }

  private static void putFloats(ObjectNode root, String name, float[] values) {
    ObjectNode node = root.putObject(name);
    node.put("sha256", FloatCodec.checksum(values));
    node.put("data", FloatCodec.encode(values));
  }

  private static float[] floats(JsonNode root, String name) {
    JsonNode node = root.get(name);
    return FloatCodec.decode(node.get("data").asText(), node.get("sha256").asText());
  }
}
