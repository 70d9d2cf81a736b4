package dev.mirrorpo.cli;

import java.util.Arrays;
import java.util.List;

/**
 * What a command stopped by Ctrl-C (or any signal that lets the JVM shut down) leaves, and how to go on: the
 * line the user sees instead of a silent exit 130.
 */
final class Interruption {
  private Interruption() {}

  /** The consequence of stopping the command that {@code args} ran, as the end of a sentence. */
  static String whatIsKept(String[] args) {
    List<String> words = Arrays.stream(args).filter(arg -> !arg.startsWith("-")).limit(2).toList();
    String command = String.join(" ", words);
    if (command.startsWith("evolve")) {
      return "finished generations are kept; rerun the same command to resume from the last one";
    }
    if (command.startsWith("benchmark")) {
      return "the results of finished cells are kept; rerun the same command to train only the missing ones";
    }
    if (command.startsWith("sweep")) {
      return "the night's finished cells and search generations are kept; rerun the same command on the same"
          + " night (--night) to train only what is missing";
    }
    return switch (command) {
      case "dataset generate" -> "no dataset was written, and a dataset already in --out is as it was; rerun the"
          + " same command";
      case "agents train" -> "the last checkpoint beside --out is kept; rerun the same command to resume from it";
      default -> "nothing that had been written was lost";
    };
  }
}
