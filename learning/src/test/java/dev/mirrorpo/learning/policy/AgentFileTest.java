package dev.mirrorpo.learning.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mirrorpo.envs.Tasks;
import dev.mirrorpo.learning.HopperPairs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentFileTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path directory;
  private Agent agent;
  private Path file;

  @BeforeEach
  void writeAnAgent() {
    agent = TestAgents.of(Tasks.byName("hopper"), 5)
        .withEvaluation(new Agent.Evaluation("hopper", 100, 7, 1234.5678901234567, 0.1 + 0.2, 999.99));
    file = directory.resolve("x" + AgentFile.SUFFIX);
    AgentFile.write(file, agent);
  }

  @AfterEach
  void closePolicy() {
    agent.policy().close();
  }

  private static void assertSameAgent(Agent expected, Agent actual) {
    assertEquals(expected.task(), actual.task());
    assertEquals(expected.policy().architecture(), actual.policy().architecture());
    // assertArrayEquals compares floats and doubles bit for bit.
    assertArrayEquals(expected.policy().parameters().values(), actual.policy().parameters().values());
    RunningMeanVar written = expected.policy().normalizer().statistics();
    RunningMeanVar read = actual.policy().normalizer().statistics();
    assertArrayEquals(written.mean(), read.mean());
    assertArrayEquals(written.variance(), read.variance());
    assertEquals(written.count(), read.count());
    assertEquals(expected.provenance(), actual.provenance());
    assertEquals(expected.evaluation(), actual.evaluation());
  }

  @Test
  void writeThenReadRoundTripsBitExactly() {
    Agent read = AgentFile.read(file);
    try (GaussianPolicy policy = read.policy()) {
      assertSameAgent(agent, read);
    }
  }

  @Test
  void anAgentWithoutEvaluationRoundTrips() {
    Agent unevaluated = agent.withEvaluation(null);
    AgentFile.write(file, unevaluated);
    Agent read = AgentFile.read(file);
    try (GaussianPolicy policy = read.policy()) {
      assertNull(read.evaluation());
      assertSameAgent(unevaluated, read);
    }
  }

  @Test
  void writeReplacesAnExistingFileWholeAndLeavesNoTemporaryFile() throws IOException {
    // A longer file first: a write that did not replace it whole would leave its tail behind.
    Files.writeString(file, "x".repeat(10 * (int) Files.size(file)));
    Agent other = TestAgents.of(Tasks.byName("ant"), 6);
    try (GaussianPolicy policy = other.policy()) {
      AgentFile.write(file, other);
      Agent read = AgentFile.read(file);
      try (GaussianPolicy readPolicy = read.policy()) {
        assertSameAgent(other, read);
      }
    }
    try (Stream<Path> files = Files.list(directory)) {
      assertEquals(List.of(file), files.toList());
    }
  }

  private Path edited(Consumer<ObjectNode> edit) throws IOException {
    ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
    edit.accept(root);
    Path broken = directory.resolve("broken" + AgentFile.SUFFIX);
    Files.writeString(broken, JSON.writeValueAsString(root));
    return broken;
  }

  private static String failure(Path broken) {
    AgentFileException e = assertThrows(AgentFileException.class, () -> AgentFile.read(broken));
    assertTrue(e instanceof IllegalArgumentException);
    assertTrue(e.getMessage().contains(broken.toString()), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e.getMessage();
  }

  @Test
  void theCommittedAgentsAreWrittenBackByteForByte() throws IOException {
    for (String name : List.of("expert", "ref-43")) {
      Path committed = HopperPairs.AGENTS.resolve(name + AgentFile.SUFFIX);
      Agent read = AgentFile.read(committed);
      Path rewritten = directory.resolve(name + AgentFile.SUFFIX);
      AgentFile.write(rewritten, read);
      read.policy().close();
      assertEquals(Files.readString(committed), Files.readString(rewritten), name);
    }
  }

  @Test
  void aMissingFileIsNamed() {
    String message = failure(directory.resolve("nosuch" + AgentFile.SUFFIX));
    assertTrue(message.contains("no such file"), message);
  }

  @Test
  void aTruncatedFileIsReported() throws IOException {
    String text = Files.readString(file);
    Path truncated = directory.resolve("truncated" + AgentFile.SUFFIX);
    Files.writeString(truncated, text.substring(0, text.length() / 2));
    String message = failure(truncated);
    assertTrue(message.contains("not valid JSON"), message);
  }

  @Test
  void corruptWeightsFailTheChecksum() throws IOException {
    Path broken = edited(root -> {
      ObjectNode parameters = (ObjectNode) root.get("parameters");
      String data = parameters.get("data").asText();
      int middle = data.length() / 2;
      char flipped = data.charAt(middle) == 'A' ? 'B' : 'A';
      parameters.put("data", data.substring(0, middle) + flipped + data.substring(middle + 1));
    });
    String message = failure(broken);
    assertTrue(message.contains("checksum"), message);
  }

  @Test
  void anotherFormatIsRefused() throws IOException {
    String message = failure(edited(root -> root.put("format", "mirrorpo-dataset")));
    assertTrue(message.contains("not a mirrorpo agent file"), message);
  }

  @Test
  void anUnknownArchitectureIsNamed() throws IOException {
    String message = failure(edited(root -> ((ObjectNode) root.get("architecture")).put("type", "transformer")));
    assertTrue(message.contains("transformer"), message);
  }

  @Test
  void aMissingFieldIsNamed() throws IOException {
    String message = failure(edited(root -> root.remove("normalizer")));
    assertTrue(message.contains("\"normalizer\""), message);
    message = failure(edited(root -> ((ObjectNode) root.get("provenance")).remove("seed")));
    assertTrue(message.contains("\"provenance.seed\""), message);
  }

  @Test
  void aHopperAgentCannotActInAntButAnAntAgentCanActInTla() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> agent.requireCompatible(Tasks.byName("ant")));
    assertTrue(e.getMessage().contains("hopper") && e.getMessage().contains("ant"), e.getMessage());
    Agent antAgent = TestAgents.of(Tasks.byName("ant"), 6);
    try (GaussianPolicy policy = antAgent.policy()) {
      assertDoesNotThrow(() -> antAgent.requireCompatible(Tasks.byName("tla")));
      assertDoesNotThrow(() -> antAgent.requireCompatible(Tasks.byName("ant")));
    }
  }
}
