package dev.mirrorpo.learning.data;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The kinds of preference dataset (docs/design.md §6), by the names used on the command line and in files. */
public enum Quality {
  /** One side played by the target agent, the other by the original agent, labelled by a sharp judge. */
  BASE("base"),
  /** Base, with each label flipped afterwards with probability ε. */
  NOISY("noisy"),
  /** Each side's agent drawn at random from target and original. */
  MIXED("mixed"),
  /** Base, labelled by a judge of higher temperature, which errs more often on close returns. */
  POOR_JUDGE("poor-judge");

  private final String label;

  Quality(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /**
   * The quality of that name.
   *
   * @throws IllegalArgumentException naming the valid qualities if there is none
   */
  public static Quality byLabel(String label) {
    for (Quality quality : values()) {
      if (quality.label.equals(label)) {
        return quality;
      }
    }
    throw new IllegalArgumentException("unknown dataset quality '" + label + "'; valid qualities: "
        + Arrays.stream(values()).map(Quality::label).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return label;
  }
}
