package dev.mirrorpo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The `mirrorpo envs` commands, run in-process on real MuJoCo. */
class EnvsCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void rolloutPrintsTheSameJsonLineForTheSameSeed() throws Exception {
    String[] args = {"envs", "rollout", "--env", "hopper", "--policy", "random", "--episodes", "20", "--seed", "1", "--json"};
    CliRun first = run(args);
    CliRun second = run(args);
    assertEquals(0, first.exitCode(), first.err());
    assertEquals(first.out(), second.out());
    assertEquals(1, first.out().strip().lines().count());
    JsonNode line = JSON.readTree(first.out());
    assertEquals("hopper", line.get("env").asText());
    assertEquals(20, line.get("episodes").asInt());
    // A random hopper falls within a few dozen steps (Gymnasium's Hopper-v5 random policy: ~20).
    assertTrue(line.get("mean_length").asDouble() > 5 && line.get("mean_length").asDouble() < 100, first.out());
    assertTrue(line.get("standard_error").asDouble() > 0, first.out());
  }

  @Test
  void anotherSeedGivesAnotherResult() {
    CliRun one = run("envs", "rollout", "--env", "hopper", "--episodes", "5", "--seed", "1", "--json");
    CliRun two = run("envs", "rollout", "--env", "hopper", "--episodes", "5", "--seed", "2", "--json");
    assertTrue(!one.out().equals(two.out()));
  }

  @Test
  void unknownTaskIsOneLineListingTheValidTasks() {
    CliRun result = run("envs", "rollout", "--env", "nosuch");
    assertEquals(CommandLine.ExitCode.USAGE, result.exitCode());
    assertEquals("", result.out());
    String err = result.err().strip();
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.contains("nosuch") && err.contains("hopper, ant, tla"), err);
  }

  @Test
  void unknownPolicyIsOneLineListingTheValidPolicies() {
    CliRun result = run("envs", "rollout", "--env", "ant", "--policy", "clever");
    assertEquals(CommandLine.ExitCode.USAGE, result.exitCode());
    String err = result.err().strip();
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.contains("clever") && err.contains("random, zero"), err);
  }

  @Test
  void listNamesEveryTaskWithItsSizes() throws Exception {
    CliRun result = run("envs", "list", "--json");
    assertEquals(0, result.exitCode());
    String[] lines = result.out().strip().split("\n");
    assertEquals(3, lines.length);
    JsonNode tla = JSON.readTree(lines[2]);
    assertEquals("tla", tla.get("env").asText());
    assertEquals(27, tla.get("observation_size").asInt());
    assertEquals(8, tla.get("action_size").asInt());
    assertTrue(tla.get("reward_terms").toString().contains("fourth_leg"));
  }

  @Test
  void benchMeasuresBothSidesOnTheSameModel() throws Exception {
    // No speed threshold here (timing belongs in `make bench`); this checks that both figures are
    // real measurements and the ratio is theirs.
    CliRun result = run("envs", "bench", "--env", "hopper", "--envs", "4", "--seconds", "0.3", "--rounds", "1", "--json");
    assertEquals(0, result.exitCode(), result.err());
    JsonNode line = JSON.readTree(result.out());
    double java = line.get("java_steps_per_s").asDouble();
    double reference = line.get("testspeed_steps_per_s").asDouble();
    assertTrue(java > 0 && reference > 0, result.out());
    assertEquals(java / reference, line.get("ratio").asDouble(), 2e-3 + 1.0 / reference);
    assertEquals("2.2.2", line.get("mujoco").asText());
  }
}
