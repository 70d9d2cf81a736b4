package dev.mirrorpo.learning.policy;

import java.nio.file.Path;

/** An agent file that cannot be used, with the file's name and what to do. */
public final class AgentFileException extends IllegalArgumentException {
  public AgentFileException(Path file, String problem) {
    super("agent file " + file + " " + problem);
  }
}
