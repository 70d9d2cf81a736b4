package dev.mirrorpo.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorpo.learning.io.JsonLines;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A JAX reference of a trainer bench (bench/reference/), run as a subprocess that prints one JSON line: the
 * loop the Java trainer is compared with, on the same data and from the same start.
 */
final class JaxReference {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JaxReference() {}

  /**
   * Runs {@code command} (a reference training for about {@code seconds}) and returns its last stdout line.
   *
   * @throws IllegalStateException with the end of its stderr if it fails or prints no JSON
   */
  static JsonNode run(List<String> command, double seconds) {
    Path stderr = null;
    try {
      stderr = Files.createTempFile("mirrorpo-jax-reference", ".log");
      Process process = new ProcessBuilder(command).redirectError(stderr.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      byte[] output = process.getInputStream().readAllBytes();
      long limit = (long) (seconds * 20) + 600;
      if (!process.waitFor(limit, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("the JAX reference did not finish within " + limit + " s");
      }
      String out = new String(output, StandardCharsets.UTF_8).strip();
      String last = out.isEmpty() ? "" : out.lines().reduce((a, b) -> b).orElse("");
      if (process.exitValue() != 0 || !last.startsWith("{")) {
        throw new IllegalStateException("the JAX reference (" + String.join(" ", command) + ") failed with exit code "
            + process.exitValue() + ": " + tail(stderr));
      }
      return JSON.readTree(last);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run the JAX reference " + String.join(" ", command) + " (" + e + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the JAX reference ran", e);
    } finally {
      if (stderr != null) {
        try {
          Files.deleteIfExists(stderr);
        } catch (IOException ignored) {
          // a temporary file; nothing to report
        }
      }
    }
  }

  /** Writes what the reference starts from (initial policy, candidates) as one JSON line. */
  static void write(Path file, Map<String, Object> start) {
    try {
      Files.writeString(file, JsonLines.line(start));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + file + " (" + e + ")", e);
    }
  }

  private static String tail(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
        .filter(line -> !line.isBlank()).toList();
    String last = lines.isEmpty() ? "(no output on stderr)" : lines.get(lines.size() - 1).strip();
    return last.length() > 400 ? last.substring(0, 400) + "…" : last;
  }
}
