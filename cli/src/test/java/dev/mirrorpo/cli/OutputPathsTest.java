package dev.mirrorpo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An output that cannot be written is refused in one line before any work, for every command that writes. */
class OutputPathsTest {
  @TempDir Path work;

  private static String oneLineProblem(String... args) {
    CliRun result = CliRun.of(args);
    assertNotEquals(0, result.exitCode(), result.out() + result.err());
    String err = result.err().strip();
    assertEquals(1, err.lines().count(), err);
    return err;
  }

  @Test
  void anOutputBelowARegularFileIsRefusedNamingTheFileInTheWay() throws IOException {
    Path file = Files.writeString(work.resolve("a-file"), "not a directory");
    Path below = file.resolve("run");
    String[][] commands = {
        {"evolve", "--config", "unread.yaml", "--dataset", "unread", "--out", below.toString()},
        {"benchmark", "--config", "unread.yaml", "--out", below.toString()},
        {"agents", "train", "--env", "hopper", "--steps", "2048", "--out", below.resolve("x.agent.json").toString()},
        {"objectives", "landscape", "--algo", "dpo", "--grid", "-4:-0.1:5", "--png", below.resolve("x.png").toString()}};
    for (String[] command : commands) {
      String problem = oneLineProblem(command);
      assertTrue(problem.contains(file + " is a file, not a directory"), String.join(" ", command) + ": " + problem);
    }
    assertFalse(Files.isDirectory(below));
  }

  @Test
  void aRunDirectoryThatIsAFileAndAPngThatIsADirectoryAreRefused() throws IOException {
    Path file = Files.writeString(work.resolve("run"), "not a directory");
    String run = oneLineProblem("evolve", "--config", "unread.yaml", "--dataset", "unread", "--out", file.toString());
    assertTrue(run.contains("--out " + file + " is a file"), run);
    String png = oneLineProblem("objectives", "landscape", "--algo", "dpo", "--grid", "-4:-0.1:5", "--png",
        work.toString());
    assertTrue(png.contains("--png " + work + " is a directory"), png);
  }
}
