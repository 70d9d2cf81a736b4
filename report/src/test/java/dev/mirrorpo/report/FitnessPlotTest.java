package dev.mirrorpo.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.runfiles.GenerationSummary;
import dev.mirrorpo.runfiles.MeanEvaluation;
import dev.mirrorpo.runfiles.SearchRun;
import dev.mirrorpo.runfiles.SeedReturns;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.data.xy.IntervalXYDataset;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fitness curve plots what the generations' summaries say, against generations numbered 1..N. */
class FitnessPlotTest {
  private static final SearchRun.Baseline BASELINE = new SearchRun.Baseline("orpo", 150.0, 4.0, "COMPLETED");
  /** Generation 2 (0-based 1) lost every candidate: it has no mean or maximum, but a best so far. */
  private static final List<GenerationSummary> GENERATIONS = List.of(
      new GenerationSummary(0, 4, 0, 120.0, 160.0, 90.0, 30.0, 0.03, 160.0, 150.0, 10),
      new GenerationSummary(1, 4, 4, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0.02997, 160.0, 150.0, 10),
      new GenerationSummary(2, 4, 1, 140.0, 175.5, 110.0, 25.0, 0.02994, 175.5, 150.0, 10));

  /** The ES mean evaluated after generations 2 and 3, on two seeds each. */
  private static final List<MeanEvaluation> EVALUATIONS = List.of(
      new MeanEvaluation(2, "a", 11, new SeedReturns("mpo:mean-after-2", List.of(1L, 2L), List.of(130.0, 150.0), 140.0,
          10.0)),
      new MeanEvaluation(3, "b", 11, new SeedReturns("mpo:mean-after-3", List.of(1L, 2L), List.of(150.0, 170.0), 160.0,
          10.0)));

  private static List<Double> ys(XYDataset data, int series) {
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < data.getItemCount(series); i++) {
      values.add(data.getYValue(series, i));
    }
    return values;
  }

  @Test
  void eachLineIsOneSummaryFieldAgainstGenerationsOneToN() {
    XYPlot plot = FitnessPlot.chart(GENERATIONS, EVALUATIONS, BASELINE).getXYPlot();
    XYDataset data = plot.getDataset();
    assertEquals(4, data.getSeriesCount());
    assertEquals(List.of(FitnessPlot.MEAN, FitnessPlot.MAX, FitnessPlot.BEST_SO_FAR, "orpo (baseline)"),
        List.of(data.getSeriesKey(0), data.getSeriesKey(1), data.getSeriesKey(2), data.getSeriesKey(3)));
    for (int series = 0; series < 4; series++) {
      assertEquals(3, data.getItemCount(series));
      for (int i = 0; i < 3; i++) {
        assertEquals(i + 1, data.getXValue(series, i), "x is the generation's number as messages and files say it");
      }
    }
    assertEquals(List.of(120.0, Double.NaN, 140.0), ys(data, 0), "mean, missing where every candidate failed");
    assertEquals(List.of(160.0, Double.NaN, 175.5), ys(data, 1));
    assertEquals(List.of(160.0, 160.0, 175.5), ys(data, 2));
    assertEquals(List.of(150.0, 150.0, 150.0), ys(data, 3), "the baseline is a flat reference line");
    assertEquals("generation", plot.getDomainAxis().getLabel());
    assertEquals("true return", plot.getRangeAxis().getLabel());
  }

  @Test
  void theEvaluatedMeanIsPlottedAtTheGenerationsItFollowsWithErrorBarsOfOneStandardError() {
    XYPlot plot = FitnessPlot.chart(GENERATIONS, EVALUATIONS, BASELINE).getXYPlot();
    IntervalXYDataset means = (IntervalXYDataset) plot.getDataset(1);
    assertEquals(1, means.getSeriesCount());
    assertEquals(FitnessPlot.EVALUATED_MEAN, means.getSeriesKey(0));
    assertEquals(List.of(2.0, 3.0), List.of(means.getXValue(0, 0), means.getXValue(0, 1)),
        "x: the generations finished when ζ was the mean");
    assertEquals(List.of(140.0, 160.0), ys(means, 0));
    assertEquals(List.of(130.0, 150.0), List.of(means.getStartYValue(0, 0), means.getStartYValue(0, 1)));
    assertEquals(List.of(150.0, 170.0), List.of(means.getEndYValue(0, 0), means.getEndYValue(0, 1)));
    assertTrue(plot.getRenderer(1) instanceof XYErrorRenderer, "drawn with error bars");
    assertEquals(0, ((IntervalXYDataset) FitnessPlot.chart(GENERATIONS, List.of(), BASELINE).getXYPlot().getDataset(1))
        .getItemCount(0), "a search without evaluations has no such points");
  }

  @Test
  void theChartIsWrittenAsAPngOfTheFitnessPlotsSize(@TempDir Path directory) throws IOException {
    Path file = directory.resolve("fitness.png");
    FitnessPlot.write(GENERATIONS, EVALUATIONS, BASELINE, file);
    BufferedImage image = ImageIO.read(file.toFile());
    assertEquals(FitnessPlot.WIDTH, image.getWidth());
    assertEquals(FitnessPlot.HEIGHT, image.getHeight());
  }
}
