package dev.mirrorpo.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorpo.learning.policy.Agent;
import dev.mirrorpo.learning.policy.AgentFile;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** `mirrorpo agents` run in-process on real MuJoCo and PyTorch, around one short training. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentsCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Path directory;
  private Path agentFile;
  private Path firstSnapshot;
  private Path lastSnapshot;
  private List<String> trainArgs;
  private CliRun training;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  private static CliRun run(List<String> args) {
    return run(args.toArray(String[]::new));
  }

  /** Two 2048-step iterations with a snapshot after each: about three seconds. */
  @BeforeAll
  void trainOnce(@TempDir Path temporary) {
    directory = temporary;
    agentFile = directory.resolve("x.agent.json");
    firstSnapshot = directory.resolve("x.step-000002048.agent.json");
    lastSnapshot = directory.resolve("x.step-000004096.agent.json");
    trainArgs = List.of("--env", "hopper", "--steps", "4096", "--seed", "3", "--out", agentFile.toString(),
        "--eval-episodes", "5", "--snapshot-every", "2048");
    training = run(Stream.concat(Stream.of("agents", "train"), trainArgs.stream()).toList());
  }

  private static void assertOneLineOnlyOnErr(CliRun result) {
    assertNotEquals(0, result.exitCode(), result.err());
    assertEquals("", result.out());
    assertEquals(1, result.err().strip().lines().count(), result.err());
  }

  @Test
  void trainWritesAnAgentWithItsCommandAndEvaluation() {
    assertEquals(0, training.exitCode(), training.err());
    assertTrue(training.out().contains(agentFile.toString()), training.out());
    Agent agent = AgentFile.read(agentFile);
    try (GaussianPolicy policy = agent.policy()) {
      assertEquals("hopper", agent.task());
      assertEquals("mirrorpo agents train " + String.join(" ", trainArgs), agent.provenance().command());
      assertEquals(3, agent.provenance().seed());
      assertEquals(4096, agent.provenance().trainingSteps());
      assertEquals(5, agent.evaluation().episodes());
      assertEquals("hopper", agent.evaluation().env());
      assertEquals(7, agent.evaluation().seed());
    }
  }

  @Test
  void snapshotsAreWrittenBesideTheAgentEveryKSteps() throws IOException {
    assertEquals(0, training.exitCode(), training.err());
    try (Stream<Path> files = Files.list(directory)) {
      Set<String> names = files.map(file -> file.getFileName().toString()).collect(Collectors.toSet());
      assertEquals(Set.of("x.agent.json", "x.agent.json.checkpoint", "x.step-000002048.agent.json",
          "x.step-000004096.agent.json"), names);
    }
    Agent first = AgentFile.read(firstSnapshot);
    Agent last = AgentFile.read(lastSnapshot);
    Agent agent = AgentFile.read(agentFile);
    try (GaussianPolicy firstPolicy = first.policy(); GaussianPolicy lastPolicy = last.policy();
        GaussianPolicy finalPolicy = agent.policy()) {
      assertEquals(2048, first.provenance().trainingSteps());
      assertEquals(4096, last.provenance().trainingSteps());
      assertArrayEquals(finalPolicy.parameters().values(), lastPolicy.parameters().values());
      assertFalse(Arrays.equals(firstPolicy.parameters().values(), lastPolicy.parameters().values()));
    }
  }

  @Test
  void evalPrintsTheSameLineTwiceAndReproducesTheRecordedEvaluation() throws IOException {
    String[] args = {"agents", "eval", agentFile.toString(), "--episodes", "5", "--seed", "7", "--json"};
    CliRun first = run(args);
    CliRun second = run(args);
    assertEquals(0, first.exitCode(), first.err());
    assertEquals(first.out(), second.out());
    assertEquals(1, first.out().strip().lines().count(), first.out());
    JsonNode line = JSON.readTree(first.out());
    assertEquals("hopper", line.get("env").asText());
    assertEquals(5, line.get("episodes").asInt());
    // The training's evaluation used the same seed and episodes, so it must be reproduced exactly.
    Agent agent = AgentFile.read(agentFile);
    try (GaussianPolicy policy = agent.policy()) {
      assertEquals(agent.evaluation().meanReturn(), line.get("mean_return").asDouble());
    }
  }

  @Test
  void evalOnATaskWithOtherSizesNamesBothTasks() {
    CliRun result = run("agents", "eval", agentFile.toString(), "--env", "ant", "--episodes", "2");
    assertOneLineOnlyOnErr(result);
    assertTrue(result.err().contains("hopper") && result.err().contains("ant"), result.err());
  }

  @Test
  void evalOfACorruptFileIsOneLineNamingIt(@TempDir Path elsewhere) throws IOException {
    Path corrupt = elsewhere.resolve("y.agent.json");
    String text = Files.readString(agentFile);
    Files.writeString(corrupt, text.substring(0, text.length() / 2));
    CliRun result = run("agents", "eval", corrupt.toString(), "--episodes", "2");
    assertOneLineOnlyOnErr(result);
    assertTrue(result.err().contains(corrupt.toString()), result.err());
  }

  @Test
  void envsRolloutPlaysAnAgentFile() throws IOException {
    CliRun result = run("envs", "rollout", "--env", "hopper", "--policy", agentFile.toString(), "--episodes", "3",
        "--json");
    assertEquals(0, result.exitCode(), result.err());
    JsonNode line = JSON.readTree(result.out());
    assertEquals(agentFile.toString(), line.get("policy").asText());
    assertEquals(3, line.get("episodes").asInt());
    assertTrue(line.get("mean_length").asDouble() > 0, result.out());
  }

  @Test
  void trainingAgainResumesTheFinishedRunAndAnotherSeedIsRefused() throws IOException {
    assertEquals(0, training.exitCode(), training.err());
    float[] trained;
    Agent before = AgentFile.read(agentFile);
    try (GaussianPolicy policy = before.policy()) {
      trained = policy.parameters().values();
    }
    FileTime snapshotWritten = Files.getLastModifiedTime(lastSnapshot);

    CliRun again = run(Stream.concat(Stream.of("agents", "train"), trainArgs.stream()).toList());
    assertEquals(0, again.exitCode(), again.err());
    assertTrue(again.err().contains("resuming") && again.err().contains("from step 4096"), again.err());
    // No iteration ran: no progress line and no snapshot rewritten.
    assertFalse(again.err().contains("steps/s"), again.err());
    assertEquals(snapshotWritten, Files.getLastModifiedTime(lastSnapshot));
    Agent after = AgentFile.read(agentFile);
    try (GaussianPolicy policy = after.policy()) {
      assertArrayEquals(trained, policy.parameters().values());
      assertEquals(before.evaluation(), after.evaluation());
    }

    List<String> otherSeed = trainArgs.stream().map(arg -> arg.equals("3") ? "4" : arg).toList();
    CliRun refused = run(Stream.concat(Stream.of("agents", "train"), otherSeed.stream()).toList());
    assertOneLineOnlyOnErr(refused);
    assertTrue(refused.err().contains(agentFile + ".checkpoint"), refused.err());
  }
}
