package dev.mirrorpo.learning.data;

/** Which agents played the two sides of a pair, whatever the label. */
public enum PairType {
  TARGET_TARGET("target-target"),
  TARGET_ORIGINAL("target-original"),
  ORIGINAL_ORIGINAL("original-original");

  private final String label;

  PairType(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public static PairType of(AgentRole first, AgentRole second) {
    if (first != second) {
      return TARGET_ORIGINAL;
    }
    return first == AgentRole.TARGET ? TARGET_TARGET : ORIGINAL_ORIGINAL;
  }

  @Override
  public String toString() {
    return label;
  }
}
