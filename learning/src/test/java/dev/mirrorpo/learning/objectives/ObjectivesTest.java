package dev.mirrorpo.learning.objectives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.mirrorpo.learning.objectives.TrajectoryLikelihood.LogLikelihoods;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every objective's loss and its gradients w.r.t. s_w, s_l, a_w, a_l (DJL autograd, float32) against
 * a double-precision formula written out here, differentiated by central finite differences.
 */
class ObjectivesTest {
  /** One pair: the policy's sums and means, lengths, and π_ref's sums and means. */
  private record Pair(double sw, double sl, double aw, double al, double tw, double tl, double rw, double rl,
      double raw, double ral) {
    /** The same pair with every value rounded to float32, as the objectives see it. */
    Pair rounded() {
      return new Pair((float) sw, (float) sl, (float) aw, (float) al, (float) tw, (float) tl, (float) rw, (float) rl,
          (float) raw, (float) ral);
    }

    Pair with(int variable, double value) {
      double[] v = {sw, sl, aw, al};
      v[variable] = value;
      return new Pair(v[0], v[1], v[2], v[3], tw, tl, rw, rl, raw, ral);
    }

    double get(int variable) {
      return new double[] {sw, sl, aw, al}[variable];
    }
  }

  private static final String[] VARIABLES = {"s_w", "s_l", "a_w", "a_l"};

  /** Chosen ahead, chosen behind, long trajectories far apart both ways, and x(τ) close to 1. */
  private static final Pair[] PAIRS = {
    new Pair(-120.5, -135.25, -1.21, -1.45, 50, 45, -125, -130, -1.3, -1.4),
    new Pair(-140, -118.75, -2.9, -1.05, 60, 40, -128, -125.5, -2.5, -1.2),
    new Pair(-2900, -3350, -0.97, -1.12, 1000, 1000, -2800, -2700, -0.93, -0.9),
    new Pair(-2700, -2300, -0.9, -0.77, 1000, 900, -2600, -2400, -0.95, -0.8),
    new Pair(-3, -40, -1e-3, -0.02, 1000, 700, -5, -35, -2e-3, -0.018),
  };

  /** Non-default values, chosen so that no pair sits on a kink (hinge corner, CoLPO threshold). */
  private static final Map<String, Double> OVERRIDES = Map.of("beta", 0.37, "tau", 0.3, "epsilon", 0.25,
      "alpha", 0.6, "lambda", 0.8, "gamma", 1.1, "delta", 30.0, "threshold", -1.5);

  private interface Formula {
    double loss(Pair p, Map<String, Double> h);
  }

  private static double softplus(double x) {
    return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  }

  private static double delta(Pair p) {
    return (p.sw() - p.rw()) - (p.sl() - p.rl());
  }

  private static double meanDelta(Pair p) {
    return (p.aw() - p.raw()) - (p.al() - p.ral());
  }

  private static double logOdds(double a) {
    return a - Math.log(-Math.expm1(a));
  }

  /** The formulas of docs/objectives.md, in double precision. */
  private static final Map<String, Formula> FORMULAS = new LinkedHashMap<>();

  static {
    FORMULAS.put("sft", (p, h) -> -p.aw());
    FORMULAS.put("dpo", (p, h) -> softplus(-h.get("beta") * delta(p)));
    FORMULAS.put("ipo", (p, h) -> Math.pow(meanDelta(p) - 1 / (2 * h.get("tau")), 2));
    FORMULAS.put("cdpo", (p, h) -> (1 - h.get("epsilon")) * softplus(-h.get("beta") * delta(p))
        + h.get("epsilon") * softplus(h.get("beta") * delta(p)));
    FORMULAS.put("r-dpo", (p, h) -> softplus(-(h.get("beta") * delta(p) - h.get("alpha") * (p.tw() - p.tl()))));
    FORMULAS.put("cpo", (p, h) -> softplus(-h.get("beta") * (p.sw() - p.sl())) - h.get("alpha") * p.aw());
    FORMULAS.put("orpo", (p, h) -> -p.aw() + h.get("lambda") * softplus(-(logOdds(p.aw()) - logOdds(p.al()))));
    FORMULAS.put("simpo", (p, h) -> softplus(-(h.get("beta") * (p.aw() - p.al()) - h.get("gamma"))));
    FORMULAS.put("rrhf", (p, h) -> Math.max(0, p.al() - p.aw()) - h.get("lambda") * p.aw());
    FORMULAS.put("slic-hf", (p, h) -> Math.max(0, h.get("delta") - (p.sw() - p.sl())) - h.get("lambda") * p.aw());
    FORMULAS.put("lpo", (p, h) -> -h.get("beta") * (p.sw() - p.sl()) - h.get("lambda") * p.aw());
    FORMULAS.put("colpo", (p, h) -> (p.aw() >= h.get("threshold") ? -h.get("beta") * (p.sw() - p.sl()) : 0)
        - h.get("lambda") * p.aw());
    FORMULAS.put("gpo-logistic", (p, h) -> Math.log1p(Math.exp(-h.get("beta") * delta(p))));
    FORMULAS.put("gpo-hinge", (p, h) -> Math.max(0, 1 - h.get("beta") * delta(p)));
    FORMULAS.put("gpo-square", (p, h) -> Math.pow(h.get("beta") * delta(p) - 1, 2));
    FORMULAS.put("gpo-exponential", (p, h) -> Math.exp(-h.get("beta") * delta(p)));
    FORMULAS.put("gpo-truncated-quadratic", (p, h) -> Math.pow(Math.max(0, 1 - h.get("beta") * delta(p)), 2));
    FORMULAS.put("gpo-savage", (p, h) -> Math.pow(1 / (1 + Math.exp(h.get("beta") * delta(p))), 2));
  }

  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterEach
  void close() {
    manager.close();
  }

  /** The loss of each pair, the batch loss, and the gradient of each pair's own loss w.r.t. each variable. */
  private record Evaluation(float[] pairLosses, float loss, float[][] gradients) {}

  private NDArray column(Pair[] pairs, ToDoubleFunction<Pair> field) {
    float[] values = new float[pairs.length];
    for (int i = 0; i < pairs.length; i++) {
      values[i] = (float) field.applyAsDouble(pairs[i]);
    }
    return manager.create(values);
  }

  private Evaluation evaluate(Objective objective, Pair... pairs) {
    NDArray[] leaves = {
      column(pairs, Pair::sw), column(pairs, Pair::sl), column(pairs, Pair::aw), column(pairs, Pair::al)
    };
    for (NDArray leaf : leaves) {
      leaf.setRequiresGradient(true);
    }
    PairBatch.Reference reference = new PairBatch.Reference(column(pairs, Pair::rw), column(pairs, Pair::rl),
        column(pairs, Pair::raw), column(pairs, Pair::ral));
    float[] pairLosses;
    float loss;
    try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
      PairBatch batch = new PairBatch(leaves[0], leaves[1], leaves[2], leaves[3], column(pairs, Pair::tw),
          column(pairs, Pair::tl), reference);
      pairLosses = objective.pairLosses(batch).toFloatArray();
      NDArray batchLoss = objective.loss(batch);
      loss = batchLoss.getFloat();
      collector.backward(batchLoss);
    }
    float[][] gradients = new float[VARIABLES.length][];
    for (int v = 0; v < VARIABLES.length; v++) {
      gradients[v] = leaves[v].getGradient().mul(pairs.length).toFloatArray();
    }
    return new Evaluation(pairLosses, loss, gradients);
  }

  private static double finiteDifference(Formula formula, Pair p, Map<String, Double> h, int variable) {
    double x = p.get(variable);
    double step = 1e-6 * Math.max(1, Math.abs(x));
    return (formula.loss(p.with(variable, x + step), h) - formula.loss(p.with(variable, x - step), h)) / (2 * step);
  }

  private void assertMatchesFormula(String name, Map<String, Double> params) {
    Objective objective = Objectives.create(name, params);
    Map<String, Double> h = objective.hyperParameters();
    Formula formula = FORMULAS.get(name);
    Evaluation result = evaluate(objective, PAIRS);
    double meanLoss = 0;
    for (int i = 0; i < PAIRS.length; i++) {
      Pair p = PAIRS[i].rounded();
      double expected = formula.loss(p, h);
      meanLoss += expected / PAIRS.length;
      String where = name + " " + h + " at pair " + i;
      assertEquals(expected, result.pairLosses()[i], 1e-5 * Math.max(1, Math.abs(expected)), where);
      for (int v = 0; v < VARIABLES.length; v++) {
        double slope = finiteDifference(formula, p, h, v);
        assertEquals(slope, result.gradients()[v][i], 1e-4 * Math.max(1, Math.abs(slope)),
            where + ": ∂/∂" + VARIABLES[v]);
      }
    }
    assertEquals(meanLoss, result.loss(), 1e-5 * Math.max(1, Math.abs(meanLoss)),
        name + ": the batch loss is the mean");
  }

  @TestFactory
  List<DynamicTest> everyObjectiveMatchesItsFormulaAtDefaultsAndOtherValues() {
    assertEquals(new TreeSet<>(Objectives.names()), new TreeSet<>(FORMULAS.keySet()),
        "every registered objective has a reference formula here");
    List<DynamicTest> tests = new ArrayList<>();
    for (String name : Objectives.names()) {
      tests.add(dynamicTest(name + " (defaults)", () -> assertMatchesFormula(name, Map.of())));
      Map<String, Double> overrides = Objectives.defaults(name).keySet().stream()
          .collect(Collectors.toMap(k -> k, OVERRIDES::get));
      if (!overrides.isEmpty()) {
        tests.add(dynamicTest(name + " " + overrides, () -> assertMatchesFormula(name, overrides)));
      }
    }
    return tests;
  }

  @Test
  void sftIgnoresTheRejectedSide() {
    Objective sft = Objectives.create("sft", Map.of());
    Evaluation result = evaluate(sft, PAIRS);
    for (int i = 0; i < PAIRS.length; i++) {
      assertEquals(0f, result.gradients()[1][i], "∂/∂s_l");
      assertEquals(0f, result.gradients()[3][i], "∂/∂a_l");
      assertEquals(-1f, result.gradients()[2][i], "∂/∂a_w: NLL_w = −a_w");
      assertEquals(0f, result.gradients()[0][i], "∂/∂s_w: SFT uses the per-step mean");
    }
    Pair worseRejected = new Pair(-120.5, -10, -1.21, -0.1, 50, 45, -125, -130, -1.3, -1.4);
    assertEquals(evaluate(sft, PAIRS[0]).loss(), evaluate(sft, worseRejected).loss());
  }

  @Test
  void gpoWithTheLogisticFunctionIsDpo() {
    for (double beta : new double[] {0.1, 0.5, 2}) {
      Evaluation gpo = evaluate(Objectives.create("gpo-logistic", Map.of("beta", beta)), PAIRS);
      Evaluation dpo = evaluate(Objectives.create("dpo", Map.of("beta", beta)), PAIRS);
      for (int i = 0; i < PAIRS.length; i++) {
        assertEquals(dpo.pairLosses()[i], gpo.pairLosses()[i], 1e-6 * Math.max(1, Math.abs(dpo.pairLosses()[i])));
        for (int v = 0; v < VARIABLES.length; v++) {
          assertEquals(dpo.gradients()[v][i], gpo.gradients()[v][i], 1e-6, VARIABLES[v] + " β " + beta);
        }
      }
    }
  }

  @Test
  void exactlyTheObjectivesWithAReferenceAreTwoStep() {
    Set<String> twoStep = Objectives.names().stream()
        .filter(name -> Objectives.create(name, Map.of()).needsReference()).collect(Collectors.toSet());
    Set<String> expected = new TreeSet<>(List.of("dpo", "ipo", "cdpo", "r-dpo", "gpo-logistic", "gpo-hinge",
        "gpo-square", "gpo-exponential", "gpo-truncated-quadratic", "gpo-savage"));
    assertEquals(expected, new TreeSet<>(twoStep));
  }

  @Test
  void aTwoStepObjectiveWithoutReferenceSaysWhatIsMissing() {
    NDArray zeros = manager.zeros(new Shape(2));
    PairBatch oneStep = new PairBatch(zeros, zeros, zeros, zeros, zeros, zeros, null);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Objectives.create("dpo", Map.of()).loss(oneStep));
    assertTrue(e.getMessage().contains("π_ref") && e.getMessage().contains("SFT"), e.getMessage());
    assertTrue(Float.isFinite(Objectives.create("simpo", Map.of()).loss(oneStep).getFloat()),
        "one-step objectives need no reference");
  }

  @Test
  void referenceLikelihoodsBuiltFromThePolicysOwnAreConstantsForAutograd() {
    // π_ref = π at this point, so Δ = 0; only a detached reference leaves a gradient to follow.
    NDArray sum = manager.create(new float[] {-100f, -120f});
    NDArray mean = manager.create(new float[] {-1f, -1.2f});
    sum.setRequiresGradient(true);
    mean.setRequiresGradient(true);
    NDArray lengths = manager.create(new float[] {50f, 50f});
    try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
      LogLikelihoods chosen = new LogLikelihoods(sum, mean);
      LogLikelihoods rejected = new LogLikelihoods(sum.mul(1.1), mean.mul(1.1));
      PairBatch batch = PairBatch.of(chosen, rejected, lengths, lengths, PairBatch.Reference.of(chosen, rejected));
      NDArray loss = Objectives.create("dpo", Map.of()).loss(batch);
      assertEquals(Math.log(2), loss.getFloat(), 1e-6);
      collector.backward(loss);
    }
    // d/ds of mean softplus(−βΔ) with Δ = s − 1.1·s: ½ · (−β·σ(0)) · (1 − 1.1).
    for (float g : sum.getGradient().toFloatArray()) {
      assertEquals(0.5 * -0.1 * 0.5 * (1 - 1.1), g, 1e-7);
    }
  }

  @Test
  void unknownNamesAndHyperParametersAreRefusedWithTheValidOnes() {
    IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
        () -> Objectives.create("kto", Map.of()));
    assertTrue(name.getMessage().contains("'kto'"), name.getMessage());
    assertTrue(name.getMessage().contains(String.join(", ", Objectives.names())), name.getMessage());

    IllegalArgumentException param = assertThrows(IllegalArgumentException.class,
        () -> Objectives.create("orpo", Map.of("beta", 0.1)));
    assertTrue(param.getMessage().contains("'beta'") && param.getMessage().contains("orpo")
        && param.getMessage().endsWith("its hyper-parameters: lambda"), param.getMessage());

    IllegalArgumentException colpo = assertThrows(IllegalArgumentException.class,
        () -> Objectives.create("colpo", Map.of("c", -1.0)));
    assertTrue(colpo.getMessage().endsWith("beta, lambda, threshold"), colpo.getMessage());

    IllegalArgumentException sft = assertThrows(IllegalArgumentException.class,
        () -> Objectives.create("sft", Map.of("lambda", 1.0)));
    assertTrue(sft.getMessage().endsWith("none"), sft.getMessage());

    IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
        () -> Objectives.create("dpo", Map.of("beta", Double.NaN)));
    assertTrue(nan.getMessage().contains("beta") && nan.getMessage().contains("finite"), nan.getMessage());

    assertThrows(IllegalArgumentException.class, () -> Objectives.create("ipo", Map.of("tau", 0.0)));
    assertThrows(IllegalArgumentException.class, () -> Objectives.create("cdpo", Map.of("epsilon", 1.5)));
    assertEquals("slic-hf", Objectives.create(" SLiC-HF ", Map.of()).name(), "names are case-insensitive");
  }

  @Test
  void rDpoSubtractsTheLengthDifferenceSoALongerChosenSideCostsMore() {
    Objective rdpo = Objectives.create("r-dpo", Map.of("alpha", 0.05));
    Objective dpo = Objectives.create("dpo", Map.of());
    Pair equalLengths = new Pair(-120.5, -135.25, -1.21, -1.45, 50, 50, -125, -130, -1.3, -1.4);
    Pair longerChosen = new Pair(-120.5, -135.25, -1.21, -1.45, 80, 50, -125, -130, -1.3, -1.4);
    assertEquals(evaluate(dpo, equalLengths).loss(), evaluate(rdpo, equalLengths).loss(), 1e-7);
    assertTrue(evaluate(rdpo, longerChosen).loss() > evaluate(rdpo, equalLengths).loss());
  }

  @Test
  void colpoDropsItsPreferenceTermBelowTheThresholdAndIsLpoAbove() {
    Objective colpo = Objectives.create("colpo", Map.of("threshold", -2.0, "lambda", 0.3));
    Objective lpo = Objectives.create("lpo", Map.of("lambda", 0.3));
    Pair above = new Pair(-120.5, -135.25, -1.21, -1.45, 50, 45, 0, 0, 0, 0);
    Pair below = new Pair(-120.5, -135.25, -2.21, -1.45, 50, 45, 0, 0, 0, 0);
    Evaluation colpoAbove = evaluate(colpo, above);
    Evaluation lpoAbove = evaluate(lpo, above);
    assertEquals(lpoAbove.loss(), colpoAbove.loss(), 1e-6);
    for (int v = 0; v < VARIABLES.length; v++) {
      assertEquals(lpoAbove.gradients()[v][0], colpoAbove.gradients()[v][0], 1e-7, VARIABLES[v]);
    }
    Evaluation colpoBelow = evaluate(colpo, below);
    assertEquals(0.3 * 2.21, colpoBelow.loss(), 1e-6, "only λ·NLL_w is left");
    assertEquals(0, colpoBelow.gradients()[0][0], 0, "∂/∂s_w");
    assertEquals(0, colpoBelow.gradients()[1][0], 0, "∂/∂s_l");
    assertEquals(-0.3f, colpoBelow.gradients()[2][0], 1e-7);
  }

  @Test
  void orpoLogOddsStayFiniteForLikelihoodsCloseToOneAndCloseToZero() {
    double[] logLikelihoods = {-1e-7, -1e-3, -0.5, -5, -80};
    float[] values = new float[logLikelihoods.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) logLikelihoods[i];
    }
    float[] odds = Orpo.logOdds(manager.create(values)).toFloatArray();
    for (int i = 0; i < values.length; i++) {
      double expected = logOdds(values[i]);
      assertEquals(expected, odds[i], 1e-6 * Math.max(1, Math.abs(expected)), "log odds at a = " + values[i]);
    }
    assertTrue(Float.isFinite(Orpo.logOdds(manager.create(new float[] {0f})).getFloat(0)),
        "a = 0 (x = 1 in float32) is clamped, not infinite");
    assertFalse(Float.isNaN(Orpo.logOdds(manager.create(new float[] {-1e-30f})).getFloat(0)));
  }
}
