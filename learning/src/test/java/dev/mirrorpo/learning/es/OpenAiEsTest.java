package dev.mirrorpo.learning.es;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** One tell at a time: gradient, Adam ascent, σ schedule, failures, best so far. */
class OpenAiEsTest {
  private static final int DIMENSION = 5;

  @Test
  void theGradientEstimateIsTheAntitheticFormulaOnShapedFitness() {
    EsConfig config = EsConfig.paper().withSeed(11).withPairs(3);
    OpenAiEs es = new OpenAiEs(config);
    EsState state = es.initialize(new float[DIMENSION]);
    // fitness 1..6 → centred ranks [−0.5, −0.3, −0.1, 0.1, 0.3, 0.5]: every pair has s⁺ − s⁻ = −0.2
    double[] shaped = config.shaping().shape(new double[] {1, 2, 3, 4, 5, 6});
    assertArrayEquals(new double[] {-0.5, -0.3, -0.1, 0.1, 0.3, 0.5}, shaped, 1e-15);
    double[] expected = new double[DIMENSION];
    for (int i = 0; i < 3; i++) {
      double[] e = OpenAiEs.noise(11, 0, i, DIMENSION);
      for (int j = 0; j < DIMENSION; j++) {
        expected[j] += -0.2 * e[j] / (2 * 0.03 * 3);
      }
    }
    assertArrayEquals(expected, es.gradientEstimate(state, shaped), 1e-12);
  }

  @Test
  void theFirstTellMovesEveryCoordinateByTheLearningRateUphill() {
    // Adam's first bias-corrected step is lr·g/|g| per coordinate; ES ascends, so ζ₁ = ζ₀ + lr·sign(ĝ).
    EsConfig config = EsConfig.paper().withSeed(5).withPairs(4);
    OpenAiEs es = new OpenAiEs(config);
    float[] start = {0.5f, -1, 2, 0, 3};
    EsState state = es.initialize(start);
    double[] fitness = EsTesting.evaluate(es, state, EsTesting.sphere(new double[] {1, 1, 1, 1, 1}));
    double[] gradient = es.gradientEstimate(state, config.shaping().shape(fitness));
    EsState next = es.tell(state, fitness);
    for (int j = 0; j < DIMENSION; j++) {
      assertEquals(start[j] + 0.02 * Math.signum(gradient[j]), next.mean()[j], 1e-6, "coordinate " + j);
    }
    assertEquals(1, next.adam().steps());
    assertEquals(1, next.generation());
    assertArrayEquals(fitness, next.lastFitness());
  }

  @Test
  void sigmaDecaysEachGenerationDownToItsFloor() {
    OpenAiEs es = new OpenAiEs(EsConfig.paper().withPairs(2).withSigma(0.03, 0.5, 0.01));
    EsState state = es.initialize(new float[DIMENSION]);
    double[] expected = {0.03, 0.015, 0.01, 0.01};
    for (double sigma : expected) {
      assertEquals(sigma, state.sigma(), 1e-18);
      state = es.tell(state, new double[] {1, 2, 3, 4});
    }
    EsState paper = new OpenAiEs(EsConfig.paper().withPairs(2)).initialize(new float[1]);
    for (int g = 0; g < 10; g++) {
      paper = new OpenAiEs(paper.config()).tell(paper, new double[] {1, 2, 3, 4});
    }
    assertEquals(0.03 * Math.pow(0.999, 10), paper.sigma(), 1e-15);
  }

  @Test
  void aFailedCandidateRanksWorstAndTheGenerationStillUpdates() {
    OpenAiEs es = new OpenAiEs(EsConfig.paper().withSeed(2).withPairs(4));
    EsState state = es.initialize(new float[] {1, 2, 3, 4, 5});
    double[] failed = {0.3, -2, Double.NaN, 1.5, 0.7, 0.2, -0.1, 0.9};
    double[] worst = failed.clone();
    worst[2] = -1e9;
    EsState afterFailure = es.tell(state, failed);
    EsState afterWorst = es.tell(state, worst);

    assertEquals(1, afterFailure.generation());
    assertNotEquals(state.mean()[0], afterFailure.mean()[0]);
    assertArrayEquals(afterWorst.mean(), afterFailure.mean(), "NaN must shape exactly like the worst fitness");
    assertArrayEquals(afterWorst.adam().firstMoment(), afterFailure.adam().firstMoment());
    assertTrue(Double.isNaN(afterFailure.lastFitness()[2]));
    assertEquals(1.5, afterFailure.best().fitness());
    assertEquals(1, afterFailure.best().pairIndex());
    assertEquals(-1, afterFailure.best().sign());

    double[] minusInfinity = failed.clone();
    minusInfinity[2] = Double.NEGATIVE_INFINITY;
    assertEquals(afterFailure, es.tell(state, minusInfinity), "−∞ is a failure like NaN");
  }

  @Test
  void aGenerationWhereEverythingFailedStillAdvances() {
    OpenAiEs es = new OpenAiEs(EsConfig.paper().withPairs(2));
    EsState state = es.initialize(new float[] {1, 2, 3, 4, 5});
    double[] nothing = {Double.NaN, Double.NaN, Double.NEGATIVE_INFINITY, Double.NaN};
    EsState next = es.tell(state, nothing);
    assertEquals(1, next.generation());
    assertArrayEquals(state.mean(), next.mean(), "zero gradient and zero momentum: ζ stays");
    assertNull(next.best());
    assertEquals(0.03 * 0.999, next.sigma(), 1e-18);
  }

  @Test
  void theBestSingleCandidateIsKeptWithItsParametersUntilBeaten() {
    OpenAiEs es = new OpenAiEs(EsConfig.paper().withSeed(8).withPairs(3));
    EsState g0 = es.initialize(new float[DIMENSION]);
    EsState g1 = es.tell(g0, new double[] {1, 9, 3, 4, 9, 2});
    EsState.Best best = g1.best();
    assertEquals(9, best.fitness());
    assertEquals(0, best.generation());
    assertEquals(0, best.pairIndex(), "the first of two equal candidates wins");
    assertEquals(-1, best.sign());
    assertArrayEquals(es.candidate(g0, 0, -1).parameters(), best.parameters());

    EsState g2 = es.tell(g1, new double[] {8, 9, 7, 6, 5, 4});
    assertSame(best, g2.best(), "a tie does not replace the best");
    EsState g3 = es.tell(g2, new double[] {8, 9, 7, 6, 5, 9.5});
    assertEquals(9.5, g3.best().fitness());
    assertEquals(2, g3.best().generation());
    assertArrayEquals(es.candidate(g2, 2, -1).parameters(), g3.best().parameters());
  }

  @Test
  void weightDecayPullsTheMeanTowardsZero() {
    OpenAiEs es = new OpenAiEs(EsConfig.paper().withPairs(2).withWeightDecay(0.1));
    EsState state = es.initialize(new float[] {1, -1});
    EsState next = es.tell(state, new double[] {5, 5, 5, 5}); // flat fitness: no gradient, only decay
    assertArrayEquals(new float[] {1 - 0.02f, -1 + 0.02f}, next.mean(), 1e-6f);
  }

  @Test
  void zScoreShapingAlsoAscends() {
    OpenAiEs es = new OpenAiEs(EsConfig.paper().withPairs(16).withShaping(FitnessShaping.Z_SCORE));
    double[] target = {1, -1, 0.5, 0, 2};
    EsState state = es.initialize(new float[DIMENSION]);
    double before = EsTesting.distance(state.mean(), target);
    for (int g = 0; g < 30; g++) {
      state = EsTesting.step(es, state, EsTesting.sphere(target));
    }
    assertTrue(EsTesting.distance(state.mean(), target) < before - 0.5);
  }

  @Test
  void badCallsAreRefused() {
    OpenAiEs es = new OpenAiEs(EsConfig.paper().withPairs(2));
    EsState state = es.initialize(new float[DIMENSION]);
    assertThrows(IllegalArgumentException.class, () -> es.tell(state, new double[3]));
    assertThrows(IllegalArgumentException.class, () -> es.tell(state, new double[] {1, 2, Double.POSITIVE_INFINITY, 4}));
    OpenAiEs other = new OpenAiEs(EsConfig.paper().withPairs(2).withSeed(1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.ask(state));
    assertTrue(e.getMessage().contains("resume with"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> es.initialize(new float[] {1, Float.NaN}));
    assertThrows(IllegalArgumentException.class, () -> es.initialize(new float[0]));
    assertThrows(IllegalArgumentException.class, () -> EsConfig.paper().withPairs(0));
    assertThrows(IllegalArgumentException.class, () -> EsConfig.paper().withSigma(0.03, 1.5, 0));
    assertThrows(IllegalArgumentException.class, () -> EsConfig.paper().withSigma(0.03, 0.9, 0.05));
    assertThrows(IllegalArgumentException.class, () -> EsConfig.paper().withLearningRate(0));
  }

  @Test
  void paperSettings() {
    EsConfig paper = EsConfig.paper();
    assertEquals(128, paper.pairs());
    assertEquals(256, paper.candidates());
    assertEquals(0.03, paper.initialSigma());
    assertEquals(0.999, paper.sigmaDecay());
    assertEquals(0, paper.sigmaFloor());
    assertEquals(0.02, paper.learningRate());
    assertEquals(FitnessShaping.CENTRED_RANKS, paper.shaping());
    assertEquals(0, paper.weightDecay());
  }
}
