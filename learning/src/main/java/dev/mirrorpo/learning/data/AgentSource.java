package dev.mirrorpo.learning.data;

import java.io.Serializable;

/**
 * The text of an agent file and the name it goes by in messages. Pipelines ship the text to their
 * workers, which need not see the file.
 */
public record AgentSource(String name, String json) implements Serializable {
  @Override
  public String toString() {
    return name;
  }
}
