package dev.mirrorpo.learning.mpo;

import com.fasterxml.jackson.annotation.JsonAlias;
import java.io.Serializable;

/**
 * Which member of the MPO family a parameter vector ζ describes (docs/design.md §7, docs/mpo.md): the form
 * (one-step or two-step), which of ψ and g are learned (the others are fixed to log), whether the
 * networks see the training progress, and the strength of the preference term.
 *
 * <p>φ⁻¹ is always learned. ψ exists only in the one-step form, so a two-step config never learns it.
 *
 * @param twoStep two-step MPO (against π_ref after SFT) instead of one-step (with the SFT term ψ)
 * @param learnPsi one-step only: ψ is a network; false fixes ψ = log
 * @param learnG g is a network; false fixes g = log
 * @param temporal the networks get the second input x·n/N (n the 0-based epoch, N the epochs)
 * @param lambda one-step weight λ of the preference term (docs/mpo.md: 0.5); ignored by the two-step form
 * @param beta two-step scale β of the implicit reward margin (docs/mpo.md: 0.5); ignored by the one-step form
 */
// The aliases read best.json files written before every file used one mapper, with camelCase keys.
public record MpoConfig(@JsonAlias("twoStep") boolean twoStep, @JsonAlias("learnPsi") boolean learnPsi,
    @JsonAlias("learnG") boolean learnG, boolean temporal, double lambda, double beta) implements Serializable {
  /** docs/mpo.md (the paper's MuJoCo value): λ (one-step) or β (two-step) 0.5. */
  public static final double DEFAULT_STRENGTH = 0.5;

  public MpoConfig {
    if (twoStep && learnPsi) {
      throw new IllegalArgumentException("two-step MPO has no ψ (it trains SFT first instead of adding an SFT term); "
          + "set learnPsi = false");
    }
    if (!(lambda >= 0) || !Double.isFinite(lambda)) {
      throw new IllegalArgumentException("MPO λ must be a finite number ≥ 0, got " + lambda);
    }
    if (!(beta > 0) || !Double.isFinite(beta)) {
      throw new IllegalArgumentException("MPO β must be a finite number > 0, got " + beta);
    }
  }

  /** One-step MPO with λ = 0.5. */
  public static MpoConfig oneStep(boolean learnPsi, boolean learnG, boolean temporal) {
    return new MpoConfig(false, learnPsi, learnG, temporal, DEFAULT_STRENGTH, DEFAULT_STRENGTH);
  }

  /** Two-step MPO with β = 0.5. */
  public static MpoConfig twoStep(boolean learnG, boolean temporal) {
    return new MpoConfig(true, false, learnG, temporal, DEFAULT_STRENGTH, DEFAULT_STRENGTH);
  }

  public MpoConfig withLambda(double newLambda) {
    return new MpoConfig(twoStep, learnPsi, learnG, temporal, newLambda, beta);
  }

  public MpoConfig withBeta(double newBeta) {
    return new MpoConfig(twoStep, learnPsi, learnG, temporal, lambda, newBeta);
  }

  /** A short readable form, e.g. "one-step, ψ learned, g = log, temporal, λ 0.5". */
  public String describe() {
    StringBuilder text = new StringBuilder(twoStep ? "two-step" : "one-step");
    if (!twoStep) {
      text.append(learnPsi ? ", ψ learned" : ", ψ = log");
    }
    text.append(", φ⁻¹ learned").append(learnG ? ", g learned" : ", g = log");
    text.append(temporal ? ", temporal" : ", static");
    text.append(twoStep ? ", β " + beta : ", λ " + lambda);
    return text.toString();
  }
}
