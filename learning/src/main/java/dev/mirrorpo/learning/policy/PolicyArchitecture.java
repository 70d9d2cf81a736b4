package dev.mirrorpo.learning.policy;

import java.util.Arrays;

/**
 * The shape of a Gaussian MLP policy: observation size, hidden layer sizes (tanh), action size.
 *
 * @param type always {@link #GAUSSIAN_MLP}; kept in agent files so other kinds can be told apart
 */
public record PolicyArchitecture(String type, int observationSize, int[] hidden, int actionSize) {
  public static final String GAUSSIAN_MLP = "gaussian-mlp-tanh";
  /** docs/design.md §5: two hidden layers of 64. */
  public static final int[] DEFAULT_HIDDEN = {64, 64};

  public PolicyArchitecture {
    if (!GAUSSIAN_MLP.equals(type)) {
      throw new IllegalArgumentException("unknown policy architecture '" + type + "'; this build knows only "
          + GAUSSIAN_MLP);
    }
    if (observationSize < 1 || actionSize < 1 || hidden.length == 0 || Arrays.stream(hidden).anyMatch(h -> h < 1)) {
      throw new IllegalArgumentException("invalid policy sizes: observation " + observationSize + ", hidden "
          + Arrays.toString(hidden) + ", action " + actionSize);
    }
    hidden = hidden.clone();
  }

  public static PolicyArchitecture gaussianMlp(int observationSize, int actionSize) {
    return new PolicyArchitecture(GAUSSIAN_MLP, observationSize, DEFAULT_HIDDEN, actionSize);
  }

  /** Layer sizes of the mean network: observation, hidden..., action. */
  public int[] layerSizes() {
    int[] sizes = new int[hidden.length + 2];
    sizes[0] = observationSize;
    System.arraycopy(hidden, 0, sizes, 1, hidden.length);
    sizes[sizes.length - 1] = actionSize;
    return sizes;
  }

  @Override
  public int[] hidden() {
    return hidden.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PolicyArchitecture that && type.equals(that.type)
        && observationSize == that.observationSize && actionSize == that.actionSize
        && Arrays.equals(hidden, that.hidden);
  }

  @Override
  public int hashCode() {
    return (type.hashCode() * 31 + observationSize) * 31 + actionSize + 17 * Arrays.hashCode(hidden);
  }

  @Override
  public String toString() {
    return type + " " + observationSize + "→" + Arrays.toString(hidden) + "→" + actionSize;
  }
}
