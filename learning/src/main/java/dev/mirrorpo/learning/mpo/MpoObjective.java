package dev.mirrorpo.learning.mpo;

import ai.djl.ndarray.NDArray;
import dev.mirrorpo.learning.mpo.MonotoneFunction.Skip;
import dev.mirrorpo.learning.mpo.MpoLayout.Function;
import dev.mirrorpo.learning.objectives.Objective;
import dev.mirrorpo.learning.objectives.PairBatch;
import java.util.Map;

/**
 * Mirror Preference Optimization (the MPO paper §3, docs/design.md §7, docs/mpo.md) as an {@link Objective}: a
 * member of the family given by an {@link MpoConfig} and a parameter vector ζ ({@link MpoLayout}).
 * Losses, to be minimised, with x = e^a (a the per-step, per-dimension mean log-likelihood):
 *
 * <pre>
 *   one-step:  −[ψ(x_w) + λ·g(σ(φ⁻¹(x_w) − φ⁻¹(x_l)))]
 *   two-step:  −g(σ(β·(R(τ_w) − R_ref(τ_w) − R(τ_l) + R_ref(τ_l)))),  R(τ) = n·φ⁻¹(x(τ)), n = |τ|·D
 * </pre>
 *
 * R is φ⁻¹ applied to each of the trajectory's n (step, dimension) factors at their geometric mean x(τ)
 * and summed; for φ⁻¹ = log it is exactly the trajectory sum s, so the two-step start point is this
 * project's DPO on sums. It is computed as R = s + n·(φ⁻¹(x) − log x), which takes s as it is.
 *
 * <p>How it is computed: ψ, φ⁻¹ and g are scalar functions of a few scalars per pair, so they and their
 * derivatives are evaluated in double precision in Java ({@link MonotoneFunction}), and the loss handed
 * to autograd is {@code L + Σ_v ∂L/∂v · (v − stopGradient(v))} over the batch's likelihood arrays v: its
 * value is L and its gradient with respect to each v (and through v, the policy) is ∂L/∂v exactly. This
 * keeps a training step at a dozen tensor operations instead of several hundred.
 */
public final class MpoObjective implements Objective {
  private final MpoConfig config;
  private final MpoLayout layout;
  private final float[] zeta;
  private final double progress;
  private final MonotoneFunction psi;
  private final MonotoneFunction phiInv;
  private final MonotoneFunction g;

  private MpoObjective(MpoConfig config, MpoLayout layout, float[] zeta, double progress) {
    this.config = config;
    this.layout = layout;
    this.zeta = zeta;
    this.progress = progress;
    this.psi = layout.learns(Function.PSI)
        ? MonotoneFunction.fromZeta(layout, Function.PSI, Skip.LOG, zeta, progress)
        : MonotoneFunction.fixed(Skip.LOG, 1);
    // φ⁻¹'s skip term is the start point's φ⁻¹: logit (ORPO) one-step, log (DPO) two-step.
    this.phiInv = MonotoneFunction.fromZeta(layout, Function.PHI_INV, config.twoStep() ? Skip.LOG : Skip.LOGIT,
        zeta, progress);
    this.g = layout.learns(Function.G)
        ? MonotoneFunction.fromZeta(layout, Function.G, Skip.LOG, zeta, progress)
        : MonotoneFunction.fixed(Skip.LOG, 1);
  }

  /**
   * The MPO objective with parameters ζ (copied), at training progress 0 until {@link #forEpoch}.
   *
   * @throws IllegalArgumentException if ζ does not fit {@code config}'s layout (length, non-finite value)
   */
  public static MpoObjective create(MpoConfig config, float[] zeta) {
    MpoLayout layout = MpoLayout.of(config);
    layout.check(zeta);
    return new MpoObjective(config, layout, zeta.clone(), 0);
  }

  /** The start point: exactly ORPO (one-step) or DPO (two-step) with {@code config}'s λ or β. */
  public static MpoObjective initial(MpoConfig config) {
    return create(config, MpoLayout.initial(config));
  }

  @Override
  public String name() {
    return "mpo";
  }

  @Override
  public boolean needsReference() {
    return config.twoStep();
  }

  @Override
  public Map<String, Double> hyperParameters() {
    return config.twoStep() ? Map.of("beta", config.beta()) : Map.of("lambda", config.lambda());
  }

  public MpoConfig config() {
    return config;
  }

  public MpoLayout layout() {
    return layout;
  }

  /** A copy of ζ. */
  public float[] zeta() {
    return zeta.clone();
  }

  /** t = n/N, the training progress the networks see (0 unless temporal and bound by {@link #forEpoch}). */
  public double progress() {
    return progress;
  }

  /** ψ (log when fixed; the one-step SFT term, unused by the two-step form). */
  public MonotoneFunction psi() {
    return psi;
  }

  public MonotoneFunction phiInverse() {
    return phiInv;
  }

  /** g (log when fixed). */
  public MonotoneFunction g() {
    return g;
  }

  /** The function {@code function}, learned or fixed. */
  public MonotoneFunction function(Function function) {
    return switch (function) {
      case PSI -> psi;
      case PHI_INV -> phiInv;
      case G -> g;
    };
  }

  /**
   * The temporally aware objective at epoch {@code epoch} (0-based) of {@code epochs}: the networks' second
   * input is x·t with t = epoch/epochs ∈ [0, 1). A static objective returns itself.
   */
  @Override
  public MpoObjective forEpoch(int epoch, int epochs) {
    if (epochs < 1 || epoch < 0 || epoch >= epochs) {
      throw new IllegalArgumentException("epoch must be in [0, epochs) with epochs ≥ 1, got epoch " + epoch + " of "
          + epochs);
    }
    if (!config.temporal()) {
      return this;
    }
    double t = (double) epoch / epochs;
    return t == progress ? this : new MpoObjective(config, layout, zeta, t);
  }

  @Override
  public NDArray pairLosses(PairBatch batch) {
    return MpoSurrogate.pairLosses(batch, config.twoStep(), row -> this);
  }

  /** One pair's loss and its partial derivatives w.r.t. s_w, s_l, a_w, a_l, in double precision. */
  record PairTerms(double loss, double dSw, double dSl, double dAw, double dAl) {}

  /** The one-step loss −[ψ(x_w) + λ·g(σ(φ⁻¹(x_w) − φ⁻¹(x_l)))] of one pair, from a_w and a_l. */
  PairTerms oneStepTerms(double aw, double al) {
    double[] out = new double[2];
    psi.evaluate(aw, out);
    double psiW = out[0];
    double dPsiW = out[1];
    phiInv.evaluate(aw, out);
    double phiW = out[0];
    double dPhiW = out[1];
    phiInv.evaluate(al, out);
    double phiL = out[0];
    double dPhiL = out[1];
    double lambda = config.lambda();
    double dG = evaluateG(phiW - phiL, out);
    return new PairTerms(-(psiW + lambda * out[0]), 0, 0, -(dPsiW + lambda * dG * dPhiW), lambda * dG * dPhiL);
  }

  /**
   * One trajectory of a pair as the two-step loss sees it.
   *
   * @param sum s, its log-likelihood
   * @param mean a = s/n
   * @param factors n, its number of (step, dimension) factors ({@link #factors})
   * @param referenceSum π_ref's s
   * @param referenceMean π_ref's a
   */
  record Side(double sum, double mean, double factors, double referenceSum, double referenceMean) {}

  /**
   * The two-step loss −g(σ(β·(R_w − R_ref,w − R_l + R_ref,l))) of one pair, R = s + n·(φ⁻¹(x) − log x),
   * with n (the factor count of each side) taken as a constant.
   */
  PairTerms twoStepTerms(Side chosen, Side rejected) {
    double[] out = new double[2];
    // R(τ) − R_ref(τ) = (s − r) + n·[(φ⁻¹(x) − log x) − (φ⁻¹(x_ref) − log x_ref)]
    phiInv.evaluate(chosen.mean(), out);
    double mirrorW = out[0] - chosen.mean();
    double dMirrorW = out[1] - 1;
    phiInv.evaluate(chosen.referenceMean(), out);
    double refMirrorW = out[0] - chosen.referenceMean();
    phiInv.evaluate(rejected.mean(), out);
    double mirrorL = out[0] - rejected.mean();
    double dMirrorL = out[1] - 1;
    phiInv.evaluate(rejected.referenceMean(), out);
    double refMirrorL = out[0] - rejected.referenceMean();
    double rewardW = (chosen.sum() - chosen.referenceSum()) + chosen.factors() * (mirrorW - refMirrorW);
    double rewardL = (rejected.sum() - rejected.referenceSum()) + rejected.factors() * (mirrorL - refMirrorL);
    double beta = config.beta();
    double dG = evaluateG(beta * (rewardW - rewardL), out);
    double dMargin = -dG * beta; // ∂L/∂(R_w − R_l)
    return new PairTerms(-out[0], dMargin, -dMargin, dMargin * chosen.factors() * dMirrorW,
        -dMargin * rejected.factors() * dMirrorL);
  }

  /**
   * g(σ(z)) into out[0]; returns d g(σ(z))/dz. g sees y = σ(z) through log y = log σ(z) (exact in log
   * space), and d log σ(z)/dz = σ(−z).
   */
  private double evaluateG(double z, double[] out) {
    g.evaluate(MpoMath.logSigmoid(z), out);
    return out[1] * MpoMath.sigmoid(-z);
  }

  /**
   * n = |τ|·D, the number of (step, dimension) factors of a trajectory: s/a rounded (a = s/n exactly up to
   * float32 rounding). A trajectory whose a is 0 (every factor 1 in float32) has no such ratio; its
   * length |τ| stands in (its mirror term n·(φ⁻¹(1) − 0) is then a floored constant anyway).
   */
  static double factors(float sum, float mean, float length) {
    if (mean < 0) {
      double ratio = Math.rint((double) sum / mean);
      if (ratio >= 1 && Double.isFinite(ratio)) {
        return ratio;
      }
    }
    return Math.max(1, length);
  }

  @Override
  public String toString() {
    return "MpoObjective[" + config.describe() + (config.temporal() ? ", t " + progress : "") + ", |ζ| "
        + zeta.length + "]";
  }
}
