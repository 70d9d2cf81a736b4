package dev.mirrorpo.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.learning.mpo.MpoConfig;
import dev.mirrorpo.learning.mpo.MpoLayout;
import dev.mirrorpo.learning.mpo.MpoObjective;
import dev.mirrorpo.learning.objectives.LandscapeFigure;
import dev.mirrorpo.learning.objectives.LandscapePoints;
import dev.mirrorpo.learning.objectives.LossLandscape;
import dev.mirrorpo.learning.objectives.Objective;
import dev.mirrorpo.learning.objectives.Objectives;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.XYZDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heat maps plot the landscape's matrices cell by cell, on colour scales that say where they clip, with the
 * training pairs on top, one row per third of training for a temporally aware objective.
 */
class LandscapeImageTest {
  private static final Objective ORPO = Objectives.create("orpo", Map.of("lambda", 0.5));
  private static final LandscapeFigure.Grid GRID = new LandscapeFigure.Grid(-4, -0.05, 61,
      LossLandscape.NOMINAL_LENGTH, LossLandscape.NOMINAL_ACTION_SIZE);
  private static final LossLandscape LANDSCAPE = LossLandscape.evaluate(ORPO, GRID.from(), GRID.to(), GRID.steps(),
      GRID.length(), GRID.actionSize());

  @Test
  void eachPanelPlotsItsMatrixWithTheChosenSideAcrossAndTheRejectedSideUp() {
    List<JFreeChart> panels = LandscapeImage.panels(LANDSCAPE, null);
    List<double[][]> matrices = List.of(LANDSCAPE.loss(), LANDSCAPE.chosenGradient(), LANDSCAPE.rejectedGradient());
    assertEquals(3, panels.size());
    double[] grid = LANDSCAPE.grid();
    for (int p = 0; p < 3; p++) {
      XYZDataset data = (XYZDataset) panels.get(p).getXYPlot().getDataset();
      assertEquals(grid.length * grid.length, data.getItemCount(0));
      double[][] expected = matrices.get(p);
      for (int item = 0; item < data.getItemCount(0); item++) {
        int i = indexOf(grid, data.getXValue(0, item));
        int j = indexOf(grid, data.getYValue(0, item));
        assertEquals(expected[i][j], data.getZValue(0, item), "panel " + p + " cell (" + i + ", " + j + ")");
      }
    }
    XYPlot loss = panels.get(0).getXYPlot();
    assertEquals("log π(τ_w)  (chosen, per step)", loss.getDomainAxis().getLabel());
    assertEquals("log π(τ_l)  (rejected, per step)", loss.getRangeAxis().getLabel());
  }

  /**
   * ORPO's rejected-side gradient explodes as π(τ_l) → 1: its diverging scale is centred on zero, ends at the
   * 98th percentile of the magnitudes, and says so; the loss's sequential scale starts at its minimum.
   */
  @Test
  void theGradientScaleIsSymmetricAboutZeroAndMarksItsClippedEnds() {
    List<JFreeChart> panels = LandscapeImage.panels(LANDSCAPE, null);
    LandscapeImage.ColourScale rejected = scale(panels.get(2));
    assertEquals(-rejected.high(), rejected.low());
    assertTrue(rejected.clipped());
    List<String> labels = rejected.barLabels();
    assertTrue(labels.get(0).startsWith("≥ ") && labels.get(4).startsWith("≤ ") && labels.get(2).equals("0"),
        labels.toString());
    double largest = 0;
    for (double[] row : LANDSCAPE.rejectedGradient()) {
      for (double value : row) {
        largest = Math.max(largest, Math.abs(value));
      }
    }
    assertTrue(rejected.high() < largest, "clipped below the largest magnitude " + largest);

    LandscapeImage.ColourScale loss = scale(panels.get(0));
    double smallest = Double.POSITIVE_INFINITY;
    for (double[] row : LANDSCAPE.loss()) {
      for (double value : row) {
        smallest = Math.min(smallest, value);
      }
    }
    assertEquals(smallest, loss.low());
    assertFalse(loss.barLabels().get(4).startsWith("≤"), "a sequential scale is clipped at the top only");
  }

  @Test
  void theThreePanelsAreWrittenSideBySideAsOnePng(@TempDir Path directory) throws IOException {
    Path file = directory.resolve("orpo.png");
    LandscapeImage.write(ORPO, LandscapeFigure.of(ORPO, GRID, 12, null), file);
    BufferedImage image = ImageIO.read(file.toFile());
    assertEquals(3 * LandscapeImage.PANEL_WIDTH, image.getWidth());
  }

  /** The pairs are dataset 1 of every panel, drawn over the heat map: x = a_w, y = a_l of each pair. */
  @Test
  void thePairsAreDrawnAtTheirLogLikelihoodsOnEveryPanel() {
    LandscapePoints points = new LandscapePoints(new int[] {0, 5, 9}, new float[] {-2.5f, -3.25f, -1f},
        new float[] {-3f, -2f, -0.5f}, "a test policy");
    for (JFreeChart panel : LandscapeImage.panels(LANDSCAPE, points)) {
      XYPlot plot = panel.getXYPlot();
      XYDataset dots = plot.getDataset(1);
      assertEquals(3, dots.getItemCount(0));
      for (int k = 0; k < 3; k++) {
        assertEquals(points.chosen()[k], dots.getXValue(0, k));
        assertEquals(points.rejected()[k], dots.getYValue(0, k));
      }
      assertEquals(DatasetRenderingOrder.FORWARD, plot.getDatasetRenderingOrder(), "dots on top of the heat map");
    }
  }

  /**
   * A temporally aware objective gets a row per third of training (12 epochs: shown at epochs 2, 6 and 10), each
   * the landscape of the objective bound to that epoch; a static one gets one row.
   */
  @Test
  void aTemporalObjectiveHasOneRowPerThirdOfTraining(@TempDir Path directory) throws IOException {
    MpoConfig config = MpoConfig.oneStep(false, false, true);
    float[] zeta = MpoLayout.initial(config);
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < zeta.length; i++) {
      zeta[i] += (float) random.nextGaussian();
    }
    MpoObjective temporal = MpoObjective.create(config, zeta);
    LandscapeFigure figure = LandscapeFigure.of(temporal, GRID, 12, null);
    assertEquals(3, figure.stages().size());
    int[] shown = {2, 6, 10};
    for (int k = 0; k < 3; k++) {
      LossLandscape expected = LossLandscape.evaluate(temporal.forEpoch(shown[k], 12), GRID.from(), GRID.to(),
          GRID.steps(), GRID.length(), GRID.actionSize());
      assertTrue(Arrays.deepEquals(expected.chosenGradient(), figure.stages().get(k).landscape().chosenGradient()),
          "row " + k);
      assertTrue(figure.stages().get(k).label().contains("t = " + shown[k] + "/12"), figure.stages().get(k).label());
    }
    assertFalse(Arrays.deepEquals(figure.stages().get(0).landscape().chosenGradient(),
        figure.stages().get(2).landscape().chosenGradient()), "the temporal input changes the landscape");
    assertEquals(1, LandscapeFigure.of(ORPO, GRID, 12, null).stages().size());

    Path file = directory.resolve("temporal.png");
    LandscapeImage.write(temporal, figure, file);
    assertTrue(ImageIO.read(file.toFile()).getHeight() > 3 * LandscapeImage.PANEL_HEIGHT, "three rows");
  }

  private static LandscapeImage.ColourScale scale(JFreeChart panel) {
    return (LandscapeImage.ColourScale) ((XYBlockRenderer) panel.getXYPlot().getRenderer()).getPaintScale();
  }

  private static int indexOf(double[] grid, double value) {
    for (int i = 0; i < grid.length; i++) {
      if (grid[i] == value) {
        return i;
      }
    }
    throw new AssertionError(value + " is not a grid value");
  }
}
