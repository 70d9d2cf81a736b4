package dev.mirrorpo.learning.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BradleyTerryJudgeTest {

  @Test
  void probabilityIsTheSigmoidOfTheReturnGapOverTheTemperature() {
    BradleyTerryJudge judge = new BradleyTerryJudge(50);
    assertEquals(0.5, judge.probabilityPrefers(123, 123));
    assertEquals(1 / (1 + Math.exp(-2.0)), judge.probabilityPrefers(300, 200), 1e-15);
    assertEquals(1 - judge.probabilityPrefers(300, 200), judge.probabilityPrefers(200, 300), 1e-15);
  }

  @Test
  void extremeGapsGiveZeroOrOneNeverNaN() {
    BradleyTerryJudge judge = new BradleyTerryJudge(1e-3);
    assertEquals(1.0, judge.probabilityPrefers(5000, -5000));
    assertEquals(0.0, judge.probabilityPrefers(-5000, 5000));
  }

  @Test
  void theLabelFollowsTheUniformDraw() {
    BradleyTerryJudge judge = new BradleyTerryJudge(100);
    double p = judge.probabilityPrefers(1100, 1000);
    assertTrue(judge.prefersFirst(1100, 1000, p - 1e-9));
    assertFalse(judge.prefersFirst(1100, 1000, p));
  }

  @Test
  void calibrationReproducesThePapersTemperatures() {
    // docs/datasets.md: ranking 2100 above 1800 95/85/75% of the time means η ≈ 102/173/273.
    assertEquals(102, BradleyTerryJudge.calibrated(300, 0.95).temperature(), 1);
    assertEquals(173, BradleyTerryJudge.calibrated(300, 0.85).temperature(), 1);
    assertEquals(273, BradleyTerryJudge.calibrated(300, 0.75).temperature(), 1);
    BradleyTerryJudge judge = BradleyTerryJudge.calibrated(300, 0.85);
    assertEquals(0.85, judge.probabilityPrefers(2100, 1800), 1e-12);
  }

  @Test
  void badTemperaturesAndCalibrationsAreRefused() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new BradleyTerryJudge(0)).getMessage()
        .contains("positive"));
    assertThrows(IllegalArgumentException.class, () -> new BradleyTerryJudge(Double.NaN));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> BradleyTerryJudge.calibrated(300, 0.4))
        .getMessage().contains("between 0.5 and 1"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> BradleyTerryJudge.calibrated(-10, 0.85))
        .getMessage().contains("better agent"));
  }
}
