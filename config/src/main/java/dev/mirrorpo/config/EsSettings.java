package dev.mirrorpo.config;

import dev.mirrorpo.learning.es.EsConfig;
import dev.mirrorpo.learning.es.FitnessShaping;

/**
 * The OpenAI-ES keys of a preset's {@code search:} section (docs/es.md), written in the section itself; es.* in
 * the search's params. Every key is optional; the defaults are the paper's ({@link EsConfig#paper()}).
 *
 * @param pairs antithetic pairs per generation: 2 × pairs candidate objectives (default 128)
 * @param sigma the noise scale σ of the first generation (default 0.03)
 * @param sigmaDecay σ is multiplied by this after every generation (default 0.999; 1 keeps it constant)
 * @param sigmaFloor σ never decays below this (default 0: no floor)
 * @param learningRate Adam's learning rate on ζ (default 0.02)
 * @param shaping how fitness becomes the gradient's weights: centred-ranks (default) or z-score
 * @param weightDecay L2 coefficient on ζ (default 0)
 * @param seed the ES seed, from which every candidate's noise and training seed derive (default: the preset's
 *     {@code seed}; null until {@link Preset} fills it in)
 */
public record EsSettings(Integer pairs, Double sigma, Double sigmaDecay, Double sigmaFloor, Double learningRate,
    FitnessShaping shaping, Double weightDecay, Long seed) {
  public EsSettings {
    EsConfig paper = EsConfig.paper();
    pairs = pairs == null ? paper.pairs() : pairs;
    sigma = sigma == null ? paper.initialSigma() : sigma;
    sigmaDecay = sigmaDecay == null ? paper.sigmaDecay() : sigmaDecay;
    sigmaFloor = sigmaFloor == null ? paper.sigmaFloor() : sigmaFloor;
    learningRate = learningRate == null ? paper.learningRate() : learningRate;
    shaping = shaping == null ? paper.shaping() : shaping;
    weightDecay = weightDecay == null ? paper.weightDecay() : weightDecay;
    try {
      // The seed is checked by nothing but its type; until it is filled in, any stands for it.
      new EsConfig(pairs, sigma, sigmaDecay, sigmaFloor, learningRate, shaping, weightDecay, seed == null ? 0 : seed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("search: " + e.getMessage());
    }
  }

  /** A shaping's name in a preset. */
  static FitnessShaping shaping(String name) {
    return switch (name) {
      case "centred-ranks", "centered-ranks" -> FitnessShaping.CENTRED_RANKS;
      case "z-score" -> FitnessShaping.Z_SCORE;
      default -> throw new IllegalArgumentException("unknown fitness shaping '" + name
          + "'; valid shapings: centred-ranks, z-score");
    };
  }

  EsSettings withDefaultSeed(long defaultSeed) {
    return seed != null ? this
        : new EsSettings(pairs, sigma, sigmaDecay, sigmaFloor, learningRate, shaping, weightDecay, defaultSeed);
  }

  /** The ES these keys describe. */
  public EsConfig config() {
    return new EsConfig(pairs, sigma, sigmaDecay, sigmaFloor, learningRate, shaping, weightDecay, seed);
  }
}
