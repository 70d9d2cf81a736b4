package dev.mirrorpo.learning.mpo;

import dev.mirrorpo.learning.objectives.LogSpace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorpo.learning.io.FloatCodec;
import dev.mirrorpo.learning.mpo.MpoClosedForm.FunctionFit;
import dev.mirrorpo.learning.mpo.MpoLayout.Function;
import dev.mirrorpo.learning.mpo.MpoLayout.Part;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MpoClosedFormTest {
  private static final MpoConfig ALL_LEARNED = MpoConfig.oneStep(true, true, false);
  private static final double FROM = -6;
  private static final double TO = -1;

  @Test
  void theStartPointIsItsOwnClosedForm() {
    MpoClosedForm.Result result = MpoClosedForm.fit(MpoObjective.initial(ALL_LEARNED), FROM, TO);
    assertEquals(3, result.fits().size());
    for (FunctionFit fit : result.fits()) {
      assertEquals(1, fit.skipCoefficient(), 1e-9, fit.formula());
      assertEquals(0, fit.logCoefficient(), 1e-9, fit.formula());
      assertEquals(0, fit.identityCoefficient(), 1e-9, fit.formula());
      assertTrue(fit.rmse() < 1e-9 * fit.span(), fit.formula() + ": rmse " + fit.rmse());
    }
    assertEquals("φ⁻¹(x) ≈ 1.000·logit x", result.fits().get(1).formula());
  }

  @Test
  void aClosedFormIsRecoveredExactly() {
    MpoObjective known = MpoObjective.create(ALL_LEARNED, closedZeta(0.75f, 0.375f, 2.5f));
    MpoClosedForm.Result result = MpoClosedForm.fit(known, FROM, TO);
    FunctionFit phi = result.fits().get(1);
    assertEquals(Function.PHI_INV, phi.function());
    assertEquals(0.75, phi.skipCoefficient(), 1e-6);
    assertEquals(0.375, phi.logCoefficient(), 1e-6);
    assertEquals(2.5, phi.identityCoefficient(), 1e-6);
    // ψ and g have a log skip, so the log unit's weight joins the skip coefficient: 0.75 + 0.375.
    FunctionFit psi = result.fits().get(0);
    assertEquals(1.125, psi.skipCoefficient(), 1e-6);
    assertEquals(0, psi.logCoefficient());
    assertEquals(2.5, psi.identityCoefficient(), 1e-6);
    for (FunctionFit fit : result.fits()) {
      assertTrue(fit.rmse() < 1e-6 * fit.span(), fit.formula() + ": rmse " + fit.rmse());
      assertTrue(fit.slopeRmse() < 1e-6 * fit.meanSlope(), fit.formula() + ": slope rmse " + fit.slopeRmse());
    }
  }

  @Test
  void theClosedFormIsAnMpoObjectiveWithTheFittedFunctions() throws IOException {
    MpoObjective discovered = discovered();
    MpoClosedForm.Result result = MpoClosedForm.fit(discovered, FROM, TO);
    MpoObjective closed = result.closedForm();
    assertEquals(discovered.config(), closed.config());
    for (FunctionFit fit : result.fits()) {
      assertTrue(fit.skipCoefficient() >= 0 && fit.logCoefficient() >= 0 && fit.identityCoefficient() >= 0,
          fit.formula());
      // The closed form evaluates to the formula it reports, at both ends of its domain.
      MonotoneFunction f = closed.function(fit.function());
      for (double logU : new double[] {fit.logFrom(), fit.logTo()}) {
        double logit = logU - LogSpace.log1mexp(logU);
        double expected = fit.skipCoefficient() * (fit.skip() == MonotoneFunction.Skip.LOG ? logU : logit)
            + fit.logCoefficient() * logU + fit.identityCoefficient() * Math.exp(logU);
        assertEquals(expected, f.valueAtLog(logU), 1e-9 * Math.max(1, Math.abs(expected)), fit.formula());
      }
      assertTrue(fit.rmse() <= fit.maxError() && fit.maxError() < fit.span(), fit.formula() + ": " + fit);
    }
    System.out.println("MpoClosedFormTest, docs/results/search-hopper-1024-noisy.best.json: " + result.fits());
  }

  @Test
  void nonNegativeLeastSquaresDropsANegativeDirection() {
    double[][] columns = new double[2][50];
    double[] y = new double[50];
    for (int p = 0; p < 50; p++) {
      columns[0][p] = p;
      columns[1][p] = p * p;
      y[p] = 3 * p - 0.01 * p * p + 7;
    }
    double[] beta = MpoClosedForm.nonNegativeLeastSquares(columns, y);
    assertEquals(0, beta[1]);
    assertTrue(beta[0] > 0 && beta[0] < 3, "the linear term absorbs what it can: " + beta[0]);
  }

  @Test
  void aBadDomainIsRefusedWithTheExpectedForm() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MpoClosedForm.fit(MpoObjective.initial(ALL_LEARNED), -1, 0.5));
    assertTrue(e.getMessage().contains("FROM < TO < 0"), e.getMessage());
  }

  /** Every function: skip raw k, the log unit α·14 and the identity unit γ·14, all else the start point. */
  private static float[] closedZeta(float k, float alpha, float gamma) {
    MpoLayout layout = MpoLayout.of(ALL_LEARNED);
    float[] zeta = layout.initial();
    for (Function function : layout.functions()) {
      zeta[layout.slice(function, Part.SKIP).offset()] = k;
      int output = layout.slice(function, Part.OUTPUT_KERNEL).offset();
      zeta[output + MonotoneFunction.Activation.LOG.ordinal() * MpoLayout.UNITS_PER_ACTIVATION] = alpha * 14;
      zeta[output + MonotoneFunction.Activation.IDENTITY.ordinal() * MpoLayout.UNITS_PER_ACTIVATION] = gamma * 14;
    }
    return zeta;
  }

  private static MpoObjective discovered() throws IOException {
    ObjectMapper json = new ObjectMapper();
    JsonNode best = json.readTree(Path.of("..", "docs", "results", "search-hopper-1024-noisy.best.json").toFile());
    return MpoObjective.create(json.treeToValue(best.get("mpo"), MpoConfig.class),
        FloatCodec.decode(best.get("zeta_base64_float32").asText(), best.get("zeta_checksum").asText()));
  }
}
