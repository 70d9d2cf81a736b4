package dev.mirrorpo.cli;

import java.util.Arrays;

/**
 * What a command stopped by Ctrl-C (or any signal that lets the JVM shut down) leaves, and how to go on: the
 * line the user sees instead of a silent exit 130.
 */
final class Interruption {
  private Interruption() {}

  /** The consequence of stopping the command that {@code args} ran, as the end of a sentence. */
  static String whatIsKept(String[] args) {
    String command = Arrays.stream(args).filter(arg -> !arg.startsWith("-")).findFirst().orElse("");
    return switch (command) {
      case "evolve" -> "finished generations are kept; rerun the same command to resume from the last one";
      case "benchmark" -> "results of finished datasets are kept; rerun the same command to train the rest";
      case "dataset" -> "no dataset was written, and a dataset already in --out is as it was; rerun the same command";
      case "agents" -> "agents train keeps its last checkpoint beside --out; rerun the same command to resume from it";
      default -> "nothing was lost that had been written";
    };
  }
}
