package dev.mirrorpo.learning.es;

/**
 * Settings of an OpenAI-ES search (docs/es.md). Every field changes the trajectory, so a saved
 * {@link EsState} carries the config it was made with and continues only under the same one.
 *
 * @param pairs antithetic pairs P per generation (2P candidates)
 * @param initialSigma noise scale σ of generation 0
 * @param sigmaDecay σ is multiplied by this after every generation (1 = constant)
 * @param sigmaFloor σ never decays below this (0 = no floor)
 * @param learningRate Adam's learning rate (β1 0.9, β2 0.999, ε 1e-8 as in PyTorch)
 * @param shaping how raw fitness is turned into weights
 * @param weightDecay L2 coefficient λ: Adam descends on −ĝ + λζ (0 = none), as in the paper's code
 * @param seed run seed; the noise of pair i in generation g derives from (seed, g, i)
 */
public record EsConfig(
    int pairs,
    double initialSigma,
    double sigmaDecay,
    double sigmaFloor,
    double learningRate,
    FitnessShaping shaping,
    double weightDecay,
    long seed) {

  public static final double ADAM_BETA1 = 0.9;
  public static final double ADAM_BETA2 = 0.999;
  public static final double ADAM_EPSILON = 1e-8;

  public EsConfig {
    if (pairs < 1) {
      throw new IllegalArgumentException("ES needs at least one antithetic pair, got pairs=" + pairs);
    }
    if (!(initialSigma > 0) || !Double.isFinite(initialSigma)) {
      throw new IllegalArgumentException("initial sigma must be positive and finite, got " + initialSigma);
    }
    if (!(sigmaDecay > 0 && sigmaDecay <= 1)) {
      throw new IllegalArgumentException("sigma decay must be in (0, 1], got " + sigmaDecay);
    }
    if (!(sigmaFloor >= 0 && sigmaFloor <= initialSigma)) {
      throw new IllegalArgumentException("sigma floor must be in [0, initial sigma " + initialSigma + "], got "
          + sigmaFloor);
    }
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be positive and finite, got " + learningRate);
    }
    if (shaping == null) {
      throw new IllegalArgumentException("fitness shaping is missing");
    }
    if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
      throw new IllegalArgumentException("weight decay must be >= 0 and finite, got " + weightDecay);
    }
  }

  /** The paper's settings: 128 pairs, σ 0.03 decaying ×0.999, no floor, Adam lr 0.02, centred ranks, seed 0. */
  public static EsConfig paper() {
    return new EsConfig(128, 0.03, 0.999, 0, 0.02, FitnessShaping.CENTRED_RANKS, 0, 0);
  }

  public int candidates() {
    return 2 * pairs;
  }

  public EsConfig withSeed(long newSeed) {
    return new EsConfig(pairs, initialSigma, sigmaDecay, sigmaFloor, learningRate, shaping, weightDecay, newSeed);
  }

  public EsConfig withPairs(int newPairs) {
    return new EsConfig(newPairs, initialSigma, sigmaDecay, sigmaFloor, learningRate, shaping, weightDecay, seed);
  }

  public EsConfig withSigma(double initial, double decay, double floor) {
    return new EsConfig(pairs, initial, decay, floor, learningRate, shaping, weightDecay, seed);
  }

  public EsConfig withLearningRate(double newLearningRate) {
    return new EsConfig(pairs, initialSigma, sigmaDecay, sigmaFloor, newLearningRate, shaping, weightDecay, seed);
  }

  public EsConfig withShaping(FitnessShaping newShaping) {
    return new EsConfig(pairs, initialSigma, sigmaDecay, sigmaFloor, learningRate, newShaping, weightDecay, seed);
  }

  public EsConfig withWeightDecay(double newWeightDecay) {
    return new EsConfig(pairs, initialSigma, sigmaDecay, sigmaFloor, learningRate, shaping, newWeightDecay, seed);
  }
}
