package dev.mirrorpo.learning.es;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Shaped values against hand computations. */
class EsFitnessShapingTest {
  private static final double NaN = Double.NaN;
  private static final double NEG_INF = Double.NEGATIVE_INFINITY;

  @Test
  void centredRanksSpreadEvenlyOverMinusHalfToHalf() {
    // ranks 0, 2, 1 of 3 → r/2 − 0.5
    assertArrayEquals(new double[] {-0.5, 0.5, 0}, FitnessShaping.CENTRED_RANKS.shape(new double[] {10, 30, 20}));
    // ranks 1, 3, 0, 2 of 4 → r/3 − 0.5
    assertArrayEquals(new double[] {1 / 3.0 - 0.5, 0.5, -0.5, 2 / 3.0 - 0.5},
        FitnessShaping.CENTRED_RANKS.shape(new double[] {-1, 100, -7.5, 0}), 1e-15);
  }

  @Test
  void tiesShareTheMeanOfTheirRanksAndFailuresRankBelowEverything() {
    // sorted: NaN, −∞ (ranks 0, 1 → 0.5), 1, 1 (ranks 2, 3 → 2.5), 3 (rank 4), 7 (rank 5); r/5 − 0.5
    double[] shaped = FitnessShaping.CENTRED_RANKS.shape(new double[] {3, 1, NaN, 1, 7, NEG_INF});
    assertArrayEquals(new double[] {0.3, 0, -0.4, 0, 0.5, -0.4}, shaped, 1e-15);
    assertArrayEquals(new double[] {0, 0}, FitnessShaping.CENTRED_RANKS.shape(new double[] {5, 5}));
    // One failure among finite values far below zero still ranks last.
    assertArrayEquals(new double[] {0.5, -0.5, 0}, FitnessShaping.CENTRED_RANKS.shape(new double[] {-1e300, NaN, -1e301}));
    assertArrayEquals(new double[] {0, 0, 0}, FitnessShaping.CENTRED_RANKS.shape(new double[] {NaN, NaN, NEG_INF}));
  }

  @Test
  void centredRanksAreCentredAndBounded() {
    SplittableRandom random = new SplittableRandom(1);
    double[] fitness = new double[256];
    for (int i = 0; i < fitness.length; i++) {
      fitness[i] = random.nextInt(40) == 0 ? NaN : Math.floor(random.nextGaussian() * 5);
    }
    double[] shaped = FitnessShaping.CENTRED_RANKS.shape(fitness);
    assertEquals(0, Arrays.stream(shaped).sum(), 1e-12);
    assertTrue(Arrays.stream(shaped).allMatch(s -> s >= -0.5 && s <= 0.5));
    for (int a = 0; a < fitness.length; a++) {
      for (int b = 0; b < fitness.length; b++) {
        if (fitness[a] > fitness[b] || (!Double.isNaN(fitness[a]) && Double.isNaN(fitness[b]))) {
          assertTrue(shaped[a] > shaped[b]);
        }
      }
    }
  }

  @Test
  void zScoresUseThePopulationStandardDeviation() {
    // mean 2.5, variance (2.25 + 0.25 + 0.25 + 2.25)/4 = 1.25
    double sd = Math.sqrt(1.25);
    assertArrayEquals(new double[] {-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd},
        FitnessShaping.Z_SCORE.shape(new double[] {1, 2, 3, 4}), 1e-15);
  }

  @Test
  void zScoresGiveFailuresTheWorstSuccessfulFitness() {
    // [1, 2, 3, NaN] → [1, 2, 3, 1]: mean 1.75, variance (0.5625 + 0.0625 + 1.5625 + 0.5625)/4 = 0.6875
    double sd = Math.sqrt(0.6875);
    double[] expected = {-0.75 / sd, 0.25 / sd, 1.25 / sd, -0.75 / sd};
    assertArrayEquals(expected, FitnessShaping.Z_SCORE.shape(new double[] {1, 2, 3, NaN}), 1e-15);
    assertArrayEquals(expected, FitnessShaping.Z_SCORE.shape(new double[] {1, 2, 3, NEG_INF}), 1e-15);
    assertArrayEquals(new double[] {0, 0, 0}, FitnessShaping.Z_SCORE.shape(new double[] {4, 4, 4}));
    assertArrayEquals(new double[] {0, 0}, FitnessShaping.Z_SCORE.shape(new double[] {NaN, NEG_INF}));
    assertArrayEquals(new double[] {0, 0}, FitnessShaping.Z_SCORE.shape(new double[] {NaN, 2}));
  }

  @Test
  void plusInfinityIsRefusedAsABugNotAFailure() {
    for (FitnessShaping shaping : FitnessShaping.values()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> shaping.shape(new double[] {1, Double.POSITIVE_INFINITY}));
      assertTrue(e.getMessage().contains("fitness[1]"), e.getMessage());
    }
  }
}
