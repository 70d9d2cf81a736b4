package dev.mirrorpo.runfiles;

import dev.mirrorpo.learning.io.FloatCodec;
import dev.mirrorpo.learning.io.Sha256;
import dev.mirrorpo.learning.mpo.MpoClosedForm;
import dev.mirrorpo.learning.mpo.MpoClosedForm.FunctionFit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What `objectives fit` writes (docs/mpo.md, "Closed-form fits"): the closed form as a best.json of its own,
 * NAME-closed-form.best.json, so that `benchmark --discovered` trains it beside the discovered objective with
 * the same seeds and episodes (row mpo:NAME-closed-form), and NAME-closed-form.fit.json, the fit itself (domain,
 * formulas, coefficients, errors) with its provenance. NAME is the discovered objective's row name.
 *
 * <p>The closed form was never evaluated by a search, so its best.json says so: selected by
 * {@value BestObjective#CLOSED_FORM}, fitness NaN, generation −1.
 */
public final class ClosedFormFiles {
  static final String SUFFIX = "-closed-form";
  private static final int NOT_SEARCHED = -1;

  private ClosedFormFiles() {}

  /**
   * @param best the closed form's best.json
   * @param fit the fit's description
   */
  public record Written(Path best, Path fit) {}

  /** Writes both files into {@code directory}, each atomically. */
  public static Written write(DiscoveredSource source, MpoClosedForm.Result result, Path directory, Origin origin) {
    String name = DiscoveredObjectives.label(source.file()).substring(DiscoveredObjectives.LABEL_PREFIX.length())
        + SUFFIX;
    Path bestFile = directory.resolve(name + ".best.json");
    float[] zeta = result.closedForm().zeta();
    SearchRun.write(bestFile, new BestObjective(BestObjective.FORMAT, result.closedForm().config(), Double.NaN,
        NOT_SEARCHED, null, null, zeta.length, FloatCodec.encode(zeta), FloatCodec.checksum(zeta), null,
        source.best().task(), BestObjective.CLOSED_FORM, null, null));
    Map<String, Object> fit = new LinkedHashMap<>();
    fit.put("format", "mirrorpo-closed-form-fit");
    fit.put("format_version", 1);
    fit.put("objective", result.closedForm().config().describe());
    fit.put("closed_form", bestFile.getFileName().toString());
    fit.put("closed_form_sha256", Sha256.ofFile(bestFile));
    fit.put("basis", "f(u) ≈ k·S(u) + α·log u + γ·u + const, k, α, γ ≥ 0 (S: the function's skip term)");
    fit.put("functions", functions(result.fits()));
    fit.put("provenance", source.provenance(origin));
    Path fitFile = directory.resolve(name + ".fit.json");
    SearchRun.write(fitFile, fit);
    return new Written(bestFile, fitFile);
  }

  private static List<Map<String, Object>> functions(List<FunctionFit> fits) {
    List<Map<String, Object>> functions = new ArrayList<>();
    for (FunctionFit fit : fits) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("function", fit.function().id);
      f.put("formula", fit.formula());
      f.put("skip", fit.skip().name().toLowerCase(Locale.ROOT));
      f.put("k", fit.skipCoefficient());
      f.put("alpha_log", fit.logCoefficient());
      f.put("gamma_identity", fit.identityCoefficient());
      f.put("intercept", fit.intercept());
      f.put("domain_log_u", List.of(fit.logFrom(), fit.logTo()));
      f.put("rmse", fit.rmse());
      f.put("max_error", fit.maxError());
      f.put("span", fit.span());
      f.put("slope_rmse", fit.slopeRmse());
      f.put("mean_abs_slope", fit.meanSlope());
      functions.add(f);
    }
    return functions;
  }
}
