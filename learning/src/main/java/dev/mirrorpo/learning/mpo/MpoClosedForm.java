package dev.mirrorpo.learning.mpo;

import dev.mirrorpo.learning.mpo.MonotoneFunction.Activation;
import dev.mirrorpo.learning.mpo.MonotoneFunction.Skip;
import dev.mirrorpo.learning.mpo.MpoLayout.Function;
import dev.mirrorpo.learning.mpo.MpoLayout.Part;
import dev.mirrorpo.learning.objectives.LogSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A closed form of an MPO objective (docs/mpo.md, "Closed-form fits"; the MPO paper §5.6 found its discovered ψ
 * and φ⁻¹ close to α·log x and β·log x): each learned function f of the objective is regressed, on the domain
 * its inputs take, on a few non-decreasing basis functions of its input u,
 *
 * <pre>
 *   f(u) ≈ k·S(u) + α·log u + γ·u + const,   k, α, γ ≥ 0
 * </pre>
 *
 * with S its skip term (logit u for one-step φ⁻¹, log u otherwise; α is left out where S is log u already). The
 * coefficients are fitted by least squares with the constant free and the others non-negative (every subset of
 * the basis solved exactly, the best non-negative one kept), so the closed form is monotone like the network
 * and is itself a member of the MPO family: its ζ is the start point's with k on the skip, α on one log((x)+)
 * unit and γ on one identity unit (W = 1, c = 0, so the units are log u and u exactly). It trains, exports
 * and re-evaluates like any discovered objective. The constant is dropped: no loss gradient depends on it.
 *
 * <p>Domains: ψ and φ⁻¹ see x = eᵃ with a in [{@code from}, {@code to}]; g sees y = σ(z), z = φ⁻¹(x_w) − φ⁻¹(x_l)
 * for x_w, x_l in that domain (one-step), or z in [−{@link #TWO_STEP_MARGIN}, {@link #TWO_STEP_MARGIN}]
 * (two-step, whose margin β·ΔR is on the scale of sums; σ is saturated beyond it). A temporal objective is
 * fitted at mid-training, t = 1/2, and its closed form is static.
 */
public final class MpoClosedForm {
  /** Points per domain, evenly spaced in log u (a) or z. */
  static final int POINTS = 201;
  /** Half-width of the two-step g's domain in z: σ(±12) is within 6e-6 of 0 or 1. */
  static final double TWO_STEP_MARGIN = 12;
  private static final int LOG_UNIT = Activation.LOG.ordinal() * MpoLayout.UNITS_PER_ACTIVATION;
  private static final int IDENTITY_UNIT = Activation.IDENTITY.ordinal() * MpoLayout.UNITS_PER_ACTIVATION;

  /** A basis function of a fit, by the coefficient's name. */
  public enum Term {
    SKIP, LOG, IDENTITY
  }

  /**
   * One learned function's fit.
   *
   * @param function ψ, φ⁻¹ or g
   * @param skip the skip term S (the first basis function)
   * @param skipCoefficient k ≥ 0, as stored in ζ
   * @param logCoefficient α ≥ 0 on log u (0 where S = log u), as stored
   * @param identityCoefficient γ ≥ 0 on u, as stored
   * @param intercept the constant of the least-squares fit (not part of the objective)
   * @param logFrom the domain's lower end in log u
   * @param logTo its upper end
   * @param rmse root-mean-square error of the closed form (with its constant) against f on the domain
   * @param maxError the largest absolute error there
   * @param span max f − min f on the domain, the scale of those errors
   * @param slopeRmse root-mean-square error of df/dlog u, the factor the policy's gradient gets
   * @param meanSlope the mean of |df/dlog u| of f on the domain, its scale
   */
  public record FunctionFit(Function function, Skip skip, double skipCoefficient, double logCoefficient,
      double identityCoefficient, double intercept, double logFrom, double logTo, double rmse, double maxError,
      double span, double slopeRmse, double meanSlope) {

    /** e.g. "φ⁻¹(x) ≈ 0.912·logit x + 0.231·log x + 0.04·x". */
    public String formula() {
      String u = function == Function.G ? "y" : "x";
      List<String> terms = new ArrayList<>();
      if (skipCoefficient > 0) {
        terms.add(number(skipCoefficient) + "·" + (skip == Skip.LOG ? "log " : "logit ") + u);
      }
      if (logCoefficient > 0) {
        terms.add(number(logCoefficient) + "·log " + u);
      }
      if (identityCoefficient > 0) {
        terms.add(number(identityCoefficient) + "·" + u);
      }
      return function.symbol + "(" + u + ") ≈ " + (terms.isEmpty() ? "const" : String.join(" + ", terms));
    }
  }

  /**
   * @param source the objective fitted
   * @param fits one per learned function, in layout order
   * @param closedForm the closed form, an MPO objective of the same config
   */
  public record Result(MpoObjective source, List<FunctionFit> fits, MpoObjective closedForm) {}

  private MpoClosedForm() {}

  /**
   * Fits every learned function of {@code objective} on x = eᵃ, a ∈ [from, to].
   *
   * @throws IllegalArgumentException unless from &lt; to &lt; 0
   */
  public static Result fit(MpoObjective objective, double from, double to) {
    if (!(from < to) || !(to < 0)) {
      throw new IllegalArgumentException("the fit's domain needs FROM < TO < 0 (per-step log-likelihoods a = log x),"
          + " got " + from + ":" + to);
    }
    MpoConfig config = objective.config();
    MpoObjective target = config.temporal() ? objective.forEpoch(1, 2) : objective;
    MpoLayout layout = objective.layout();
    float[] zeta = layout.initial();
    List<FunctionFit> fits = new ArrayList<>();
    for (Function function : layout.functions()) {
      MonotoneFunction f = target.function(function);
      double[] domain = function == Function.G ? gDomain(target, config, from, to) : new double[] {from, to};
      FunctionFit fit = fitOne(function, f, domain[0], domain[1]);
      store(layout, zeta, fit);
      fits.add(fit);
    }
    MpoObjective closedForm = MpoObjective.create(config, zeta);
    // The errors of the closed form as stored (float32 coefficients), not of the double-precision solution.
    List<FunctionFit> stored = new ArrayList<>();
    for (FunctionFit fit : fits) {
      stored.add(measure(fit, target.function(fit.function()), closedForm, zeta));
    }
    return new Result(objective, List.copyOf(stored), closedForm);
  }

  /** log y = log σ(z) over g's z domain. */
  private static double[] gDomain(MpoObjective target, MpoConfig config, double from, double to) {
    double z = config.twoStep() ? TWO_STEP_MARGIN
        : target.phiInverse().valueAtLog(to) - target.phiInverse().valueAtLog(from);
    return new double[] {MpoMath.logSigmoid(-z), MpoMath.logSigmoid(z)};
  }

  private static FunctionFit fitOne(Function function, MonotoneFunction f, double logFrom, double logTo) {
    Skip skip = f.skip();
    List<Term> basis = skip == Skip.LOG ? List.of(Term.SKIP, Term.IDENTITY) : List.of(Term.SKIP, Term.LOG, Term.IDENTITY);
    double[] logU = grid(logFrom, logTo);
    double[] y = new double[POINTS];
    double[][] columns = new double[basis.size()][POINTS];
    for (int p = 0; p < POINTS; p++) {
      y[p] = f.valueAtLog(logU[p]);
      for (int b = 0; b < basis.size(); b++) {
        columns[b][p] = basisValue(basis.get(b), skip, logU[p]);
      }
    }
    double[] coefficients = nonNegativeLeastSquares(columns, y);
    double k = 0;
    double alpha = 0;
    double gamma = 0;
    for (int b = 0; b < basis.size(); b++) {
      switch (basis.get(b)) {
        case SKIP -> k = coefficients[b];
        case LOG -> alpha = coefficients[b];
        case IDENTITY -> gamma = coefficients[b];
        default -> throw new AssertionError();
      }
    }
    return new FunctionFit(function, skip, k, alpha, gamma, 0, logFrom, logTo, 0, 0, 0, 0, 0);
  }

  /** The fit's coefficients as ζ stores them: k raw on the skip, α·14 and γ·14 raw on the two units. */
  private static void store(MpoLayout layout, float[] zeta, FunctionFit fit) {
    zeta[layout.slice(fit.function(), Part.SKIP).offset()] = (float) fit.skipCoefficient();
    int output = layout.slice(fit.function(), Part.OUTPUT_KERNEL).offset();
    zeta[output + LOG_UNIT] = (float) (fit.logCoefficient() * MpoLayout.OUTPUT_SCALE_DIVISOR);
    zeta[output + IDENTITY_UNIT] = (float) (fit.identityCoefficient() * MpoLayout.OUTPUT_SCALE_DIVISOR);
  }

  /** The stored coefficients read back from the closed form, its least-squares constant and its errors. */
  private static FunctionFit measure(FunctionFit fit, MonotoneFunction f, MpoObjective closedForm, float[] zeta) {
    MonotoneFunction closed = closedForm.function(fit.function());
    double[] logU = grid(fit.logFrom(), fit.logTo());
    double[] difference = new double[POINTS];
    double meanDifference = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double slopeSquares = 0;
    double slopeScale = 0;
    for (int p = 0; p < POINTS; p++) {
      double value = f.valueAtLog(logU[p]);
      min = Math.min(min, value);
      max = Math.max(max, value);
      difference[p] = value - closed.valueAtLog(logU[p]);
      meanDifference += difference[p] / POINTS;
      double slope = f.slopeAtLog(logU[p]);
      double slopeError = slope - closed.slopeAtLog(logU[p]);
      slopeSquares += slopeError * slopeError / POINTS;
      slopeScale += Math.abs(slope) / POINTS;
    }
    double squares = 0;
    double worst = 0;
    for (double d : difference) {
      double error = d - meanDifference;
      squares += error * error / POINTS;
      worst = Math.max(worst, Math.abs(error));
    }
    // The coefficients as the closed form holds them: float32 raw values, V = raw/14 as MonotoneFunction reads them.
    int output = closedForm.layout().slice(fit.function(), Part.OUTPUT_KERNEL).offset();
    double alpha = zeta[output + LOG_UNIT] / MpoLayout.OUTPUT_SCALE_DIVISOR;
    double gamma = zeta[output + IDENTITY_UNIT] / MpoLayout.OUTPUT_SCALE_DIVISOR;
    double k = closed.skipCoefficient();
    return new FunctionFit(fit.function(), fit.skip(), k, alpha, gamma, meanDifference, fit.logFrom(), fit.logTo(),
        Math.sqrt(squares), worst, max - min, Math.sqrt(slopeSquares), slopeScale);
  }

  private static double basisValue(Term term, Skip skip, double logU) {
    return switch (term) {
      case SKIP -> skip == Skip.LOG ? logU : logU - LogSpace.log1mexp(logU);
      case LOG -> logU;
      case IDENTITY -> StrictMath.exp(logU);
    };
  }

  private static double[] grid(double from, double to) {
    double[] values = new double[POINTS];
    for (int p = 0; p < POINTS; p++) {
      values[p] = from + (to - from) * p / (POINTS - 1);
    }
    return values;
  }

  /**
   * min ‖y − c − Σ_b β_b·column_b‖² over a free constant c and β ≥ 0: the least-squares solution of every subset
   * of the columns, the best whose coefficients are all ≥ 0 (exact for the two or three columns used here).
   */
  static double[] nonNegativeLeastSquares(double[][] columns, double[] y) {
    int m = columns.length;
    double[] best = new double[m];
    double bestError = Double.POSITIVE_INFINITY;
    for (int subset = 0; subset < (1 << m); subset++) {
      double[] beta = leastSquares(columns, y, subset);
      if (beta == null || !allNonNegative(beta)) {
        continue;
      }
      double error = residual(columns, y, beta);
      if (error < bestError) {
        bestError = error;
        best = beta;
      }
    }
    return best;
  }

  private static boolean allNonNegative(double[] beta) {
    for (double b : beta) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  /** Ordinary least squares with a free constant on the columns in {@code subset} (others 0); null if singular. */
  private static double[] leastSquares(double[][] columns, double[] y, int subset) {
    int m = columns.length;
    int[] chosen = new int[Integer.bitCount(subset)];
    for (int b = 0, i = 0; b < m; b++) {
      if ((subset & (1 << b)) != 0) {
        chosen[i++] = b;
      }
    }
    int n = y.length;
    double yMean = mean(y);
    double[][] centred = new double[chosen.length][];
    for (int i = 0; i < chosen.length; i++) {
      double columnMean = mean(columns[chosen[i]]);
      centred[i] = new double[n];
      for (int p = 0; p < n; p++) {
        centred[i][p] = columns[chosen[i]][p] - columnMean;
      }
    }
    // Normal equations (XᵀX) β = Xᵀ(y − ȳ) on the centred columns, solved by Gaussian elimination with pivoting.
    int size = chosen.length;
    double[][] system = new double[size][size + 1];
    for (int i = 0; i < size; i++) {
      for (int j = 0; j < size; j++) {
        system[i][j] = dot(centred[i], centred[j]);
      }
      double right = 0;
      for (int p = 0; p < n; p++) {
        right += centred[i][p] * (y[p] - yMean);
      }
      system[i][size] = right;
    }
    double[] solution = solve(system);
    if (solution == null) {
      return null;
    }
    double[] beta = new double[m];
    for (int i = 0; i < size; i++) {
      beta[chosen[i]] = solution[i];
    }
    return beta;
  }

  private static double[] solve(double[][] a) {
    int size = a.length;
    for (int col = 0; col < size; col++) {
      int pivot = col;
      for (int row = col + 1; row < size; row++) {
        if (Math.abs(a[row][col]) > Math.abs(a[pivot][col])) {
          pivot = row;
        }
      }
      if (Math.abs(a[pivot][col]) < 1e-12 * Math.max(1, Math.abs(a[col][col]))) {
        return null;
      }
      double[] swap = a[col];
      a[col] = a[pivot];
      a[pivot] = swap;
      for (int row = 0; row < size; row++) {
        if (row != col) {
          double factor = a[row][col] / a[col][col];
          for (int k = col; k <= size; k++) {
            a[row][k] -= factor * a[col][k];
          }
        }
      }
    }
    double[] x = new double[size];
    for (int i = 0; i < size; i++) {
      x[i] = a[i][size] / a[i][i];
    }
    return x;
  }

  private static double residual(double[][] columns, double[] y, double[] beta) {
    int n = y.length;
    double[] r = new double[n];
    for (int p = 0; p < n; p++) {
      double fitted = 0;
      for (int b = 0; b < beta.length; b++) {
        fitted += beta[b] * columns[b][p];
      }
      r[p] = y[p] - fitted;
    }
    double rMean = mean(r);
    double squares = 0;
    for (double v : r) {
      squares += (v - rMean) * (v - rMean);
    }
    return squares;
  }

  private static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  private static double dot(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  private static String number(double value) {
    return String.format(Locale.ROOT, "%.4g", value);
  }
}
