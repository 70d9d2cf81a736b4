package dev.mirrorpo.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mirrorpo.learning.mpo.MpoConfig;
import dev.mirrorpo.learning.mpo.MpoLayout;

/**
 * The MPO keys of a preset's {@code search:} section: which member of the MPO family is searched (docs/mpo.md),
 * written in the section itself; mpo.* in the params of a search and of a discovered objective's benchmark
 * cells, with the number of parameters ζ has ({@code dimension}). Every key is optional; the defaults are the
 * paper's: one-step MPO learning ψ, φ⁻¹ and g from ORPO's point with λ 0.5.
 *
 * @param mode one-step (from ORPO's point, default) or two-step (from DPO's, after SFT)
 * @param learnPsi one-step only: ψ is learned (default true); two-step MPO has no ψ, so false there
 * @param learnG g is learned (default true); false fixes g = log
 * @param temporal the networks also see the training progress (default false)
 * @param lambda one-step only: λ, the weight of the preference term (default 0.5); null for two-step
 * @param beta two-step only: β, the scale of the implicit reward margin (default 0.5); null for one-step
 */
public record MpoSettings(String mode, Boolean learnPsi, Boolean learnG, Boolean temporal, Double lambda,
    Double beta) {
  private static final String ONE_STEP = "one-step";
  private static final String TWO_STEP = "two-step";

  public MpoSettings {
    mode = mode == null ? ONE_STEP : mode;
    if (!mode.equals(ONE_STEP) && !mode.equals(TWO_STEP)) {
      throw new IllegalArgumentException("search.mode must be one-step or two-step, got " + mode);
    }
    boolean twoStep = mode.equals(TWO_STEP);
    if (twoStep) {
      if (lambda != null) {
        throw new IllegalArgumentException(
            "search.lambda is for one-step MPO; this search is two-step: give search.beta");
      }
      beta = beta == null ? MpoConfig.DEFAULT_STRENGTH : beta;
      learnPsi = false; // two-step MPO has no ψ, whatever learn_psi says
    } else {
      if (beta != null) {
        throw new IllegalArgumentException(
            "search.beta is for two-step MPO; this search is one-step: give search.lambda");
      }
      lambda = lambda == null ? MpoConfig.DEFAULT_STRENGTH : lambda;
      learnPsi = learnPsi == null || learnPsi;
    }
    learnG = learnG == null || learnG;
    temporal = temporal != null && temporal;
    configOf(twoStep, learnPsi, learnG, temporal, lambda, beta);
  }

  /** The keys of an MPO family member, e.g. a discovered objective's (best.json). */
  public static MpoSettings of(MpoConfig mpo) {
    return new MpoSettings(mpo.twoStep() ? TWO_STEP : ONE_STEP, mpo.learnPsi(), mpo.learnG(), mpo.temporal(),
        mpo.twoStep() ? null : mpo.lambda(), mpo.twoStep() ? mpo.beta() : null);
  }

  /** The MPO family member these keys describe. */
  public MpoConfig config() {
    return configOf(mode.equals(TWO_STEP), learnPsi, learnG, temporal, lambda, beta);
  }

  /** The number of parameters ζ of the member: a param, not a key. */
  @JsonProperty("dimension")
  public int dimension() {
    return MpoLayout.size(config());
  }

  private static MpoConfig configOf(boolean twoStep, boolean learnPsi, boolean learnG, boolean temporal,
      Double lambda, Double beta) {
    return twoStep ? MpoConfig.twoStep(learnG, temporal).withBeta(beta)
        : MpoConfig.oneStep(learnPsi, learnG, temporal).withLambda(lambda);
  }
}
