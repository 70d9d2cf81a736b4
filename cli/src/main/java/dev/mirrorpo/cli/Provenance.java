package dev.mirrorpo.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What every artifact records about how it was made: the command line, the code version, the time. */
final class Provenance {
  private Provenance() {}

  /**
   * The command as a user would type it again. {@code args} are picocli's original arguments, which
   * already start with the subcommand path (e.g. "agents", "train") at every level of the parse.
   */
  static String command(List<String> args) {
    StringBuilder line = new StringBuilder("mirrorpo");
    for (String arg : args) {
      line.append(' ').append(arg.matches("[A-Za-z0-9_./:=,@+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'");
    }
    return line.toString();
  }

  /** The current git commit, with "-dirty" if the work tree has changes, or "unknown" outside git. */
  static String gitCommit() {
    String head = git("rev-parse", "HEAD");
    if (head == null || head.isBlank()) {
      return "unknown";
    }
    String status = git("status", "--porcelain", "--untracked-files=no");
    return head.strip() + (status != null && !status.isBlank() ? "-dirty" : "");
  }

  static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static String git(String... args) {
    try {
      Process process = new ProcessBuilder(concat("git", args)).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
        return null;
      }
      return out;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static String[] concat(String first, String[] rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }
}
