package dev.mirrorpo.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.learning.objectives.LossLandscape;
import dev.mirrorpo.learning.objectives.Objective;
import dev.mirrorpo.learning.objectives.Objectives;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.data.xy.XYZDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The heat maps plot the landscape's matrices cell by cell, on colour scales that say where they clip. */
class LandscapeImageTest {
  private static final Objective ORPO = Objectives.create("orpo", Map.of("lambda", 0.5));
  private static final LossLandscape LANDSCAPE = LossLandscape.evaluate(ORPO, -4, -0.05, 61,
      LossLandscape.NOMINAL_LENGTH, LossLandscape.NOMINAL_ACTION_SIZE);

  @Test
  void eachPanelPlotsItsMatrixWithTheChosenSideAcrossAndTheRejectedSideUp() {
    List<JFreeChart> panels = LandscapeImage.panels(LANDSCAPE);
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
    List<JFreeChart> panels = LandscapeImage.panels(LANDSCAPE);
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
    LandscapeImage.write(ORPO, LANDSCAPE, file);
    BufferedImage image = ImageIO.read(file.toFile());
    assertEquals(3 * LandscapeImage.PANEL_WIDTH, image.getWidth());
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
