package dev.mirrorpo.learning.data;

/** The two agents of a preference dataset, by the names rows and manifests use. */
public enum AgentRole {
  /** The agent whose behaviour the dataset should teach (Hopper's expert, the TLA agent). */
  TARGET("target"),
  /** The other agent (a weaker Hopper agent, the Ant agent playing TLA). */
  ORIGINAL("original");

  private final String label;

  AgentRole(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  @Override
  public String toString() {
    return label;
  }
}
