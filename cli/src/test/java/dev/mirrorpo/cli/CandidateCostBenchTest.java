package dev.mirrorpo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorpo.pipelines.TestDatasets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `mirrorpo objectives bench-evaluation` on a tiny dataset: its two lines and how they add up (no timing judged). */
class CandidateCostBenchTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A preset of 12 pairs whose search starts from an agent and scores 3 episodes of up to 20 steps. */
  private static Path preset(Path dir) {
    TestDatasets.agent(dir, "target", "hopper", 1, null);
    TestDatasets.agent(dir, "original", "hopper", 2, null);
    return TestDatasets.preset(dir, "tiny", "hopper", "target.agent.json", "original.agent.json", "pairs: 12",
        "length: 8", "seed: 3", "temperature: 1.0", "rollout_batch: 6", "pairs_per_chunk: 6", "search:",
        "  evaluation: {episodes: 3, seed: 7, length: 20}", "  initial_policy: original.agent.json");
  }

  private static Path prefix(Path dir, Path preset, int pairs) {
    Path dataset = dir.resolve("prefix-" + pairs);
    CliRun generated = CliRun.of("dataset", "generate", "--config", preset.toString(), "--pairs", "" + pairs, "--out",
        dataset.toString());
    assertEquals(0, generated.exitCode(), generated.err());
    return dataset;
  }

  private static double positive(JsonNode line, String field) {
    assertTrue(line.hasNonNull(field) && line.get(field).isNumber() && line.get(field).asDouble() > 0,
        field + " in " + line);
    return line.get(field).asDouble();
  }

  @Test
  void evaluationLineAndCandidateCostScaledFromAPrefix(@TempDir Path dir) throws Exception {
    Path preset = preset(dir);
    Path dataset = prefix(dir, preset, 6);
    CliRun result = CliRun.of("objectives", "bench-evaluation", "--config", preset.toString(), "--dataset",
        dataset.toString(), "--members", "2", "--epochs", "2", "--json");
    assertEquals(0, result.exitCode(), result.err());
    List<String> lines = result.out().strip().lines().toList();
    assertEquals(2, lines.size(), result.out());

    JsonNode evaluation = JSON.readTree(lines.get(0));
    assertEquals("evaluation_throughput", evaluation.get("benchmark").asText());
    assertEquals(2, evaluation.get("members").asInt());
    assertEquals(3, evaluation.get("episodes").asInt());
    assertTrue(evaluation.get("identical_to_one_at_a_time").asBoolean(), evaluation.toString());
    for (String field : new String[] {"one_at_a_time_seconds_per_candidate", "batched_seconds_per_candidate",
        "one_at_a_time_cpu_seconds_per_candidate", "batched_cpu_seconds_per_candidate",
        "one_at_a_time_policy_cpu_seconds_per_candidate", "batched_policy_cpu_seconds_per_candidate",
        "mean_episode_length",
        "batched_share_of_candidate"}) {
      positive(evaluation, field);
    }
    assertTrue(evaluation.get("batched_policy_cpu_seconds_per_candidate").asDouble()
        <= evaluation.get("batched_cpu_seconds_per_candidate").asDouble(), "the policy's time is part of the evaluation's");
    assertTrue(evaluation.get("loadavg_start").asText().matches("[0-9.]+ [0-9.]+ [0-9.]+ .*"), evaluation.toString());

    JsonNode cost = JSON.readTree(lines.get(1));
    assertEquals("candidate_cost", cost.get("benchmark").asText());
    assertTrue(cost.get("scaled").asBoolean());
    assertEquals(6, cost.get("pairs").asInt());
    assertEquals(12, cost.get("preset_pairs").asInt());
    assertEquals(2 * cost.get("dataset_steps").asLong(), cost.get("preset_dataset_steps").asLong());
    // The paper's 12 epochs of the preset's dataset at the measured rate, plus the evaluation measured whole.
    double training = positive(cost, "training_seconds_per_candidate");
    assertEquals(12.0 * cost.get("preset_dataset_steps").asLong() / positive(cost, "training_candidate_steps_per_s"),
        training, 0.05 + 0.01 * training);
    assertEquals(evaluation.get("batched_seconds_per_candidate").asDouble(),
        positive(cost, "evaluation_seconds_per_candidate"));
    assertEquals(training + cost.get("evaluation_seconds_per_candidate").asDouble(),
        positive(cost, "seconds_per_candidate"), 0.1);
    assertEquals(evaluation.get("batched_share_of_candidate").asDouble(), cost.get("evaluation_share").asDouble());
  }

  @Test
  void aDatasetLargerThanThePresetsIsRefusedInOneLine(@TempDir Path dir) {
    Path preset = preset(dir);
    Path dataset = prefix(dir, preset, 14);
    CliRun result = CliRun.of("objectives", "bench-evaluation", "--config", preset.toString(), "--dataset",
        dataset.toString(), "--json");
    assertEquals(CommandLine.ExitCode.USAGE, result.exitCode(), result.out() + result.err());
    assertEquals(1, result.err().strip().lines().count(), result.err());
    assertTrue(result.err().contains("14 pairs") && result.err().contains("makes 12"), result.err());
  }
}
