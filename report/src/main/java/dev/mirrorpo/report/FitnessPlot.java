package dev.mirrorpo.report;

import dev.mirrorpo.runfiles.GenerationSummary;
import dev.mirrorpo.runfiles.MeanEvaluation;
import dev.mirrorpo.runfiles.SearchRun;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.nio.file.Path;
import java.text.NumberFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The fitness curve of a search as a PNG (JFreeChart): per generation 1..N the candidates' mean and maximum
 * fitness and the best so far, with the baseline objective's fitness as a dashed line, and the evaluated ES mean
 * (docs/search.md, "Honest figures") at the generations it was evaluated after, with error bars of ± one standard
 * error over its seeds. A generation whose candidates all failed has no mean or maximum: its point is missing and
 * the line breaks there.
 */
public final class FitnessPlot {
  static final int WIDTH = 760;
  static final int HEIGHT = 440;
  static final String MEAN = "mean";
  static final String MAX = "max";
  static final String BEST_SO_FAR = "best so far";
  static final String EVALUATED_MEAN = "evaluated ES mean ± s.e.";

  private FitnessPlot() {}

  public static void write(List<GenerationSummary> generations, List<MeanEvaluation> evaluations,
      SearchRun.Baseline baseline, Path file) {
    Png.write(chart(generations, evaluations, baseline), WIDTH, HEIGHT, file);
  }

  /**
   * The chart: its dataset 0 holds one series per line, x = generation 1..N, y = the plotted fitness; its dataset 1
   * the evaluated mean, x = the generations finished, y = the mean over seeds with y ± its standard error.
   */
  static JFreeChart chart(List<GenerationSummary> generations, List<MeanEvaluation> evaluations,
      SearchRun.Baseline baseline) {
    XYSeriesCollection lines = new XYSeriesCollection();
    lines.addSeries(series(MEAN, generations, GenerationSummary::fitnessMean));
    lines.addSeries(series(MAX, generations, GenerationSummary::fitnessMax));
    lines.addSeries(series(BEST_SO_FAR, generations, GenerationSummary::bestSoFar));
    lines.addSeries(series(baselineName(baseline), generations, summary -> baseline.fitness()));

    NumberAxis generation = new NumberAxis("generation");
    generation.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    generation.setAutoRangeIncludesZero(false);
    NumberAxis trueReturn = new NumberAxis("true return");
    trueReturn.setAutoRangeIncludesZero(false);
    // The same digits on every machine, whatever its locale.
    trueReturn.setNumberFormatOverride(NumberFormat.getNumberInstance(Locale.ROOT));
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    Color[] colours = {new Color(33, 102, 172), new Color(94, 201, 98), new Color(178, 24, 43),
        new Color(120, 120, 120)};
    for (int s = 0; s < colours.length; s++) {
      renderer.setSeriesPaint(s, colours[s]);
      renderer.setSeriesStroke(s, new BasicStroke(2));
    }
    renderer.setSeriesStroke(3, new BasicStroke(2, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
        new float[] {8, 6}, 0));
    // A short dash at each generation: with one generation the baseline is a single point, and still shows.
    renderer.setSeriesShape(3, new Rectangle2D.Double(-7, -1, 14, 2));
    XYPlot plot = new XYPlot(lines, generation, trueReturn, renderer);
    plot.setDataset(1, evaluatedMeans(evaluations));
    XYErrorRenderer errorBars = new XYErrorRenderer();
    errorBars.setDrawXError(false);
    errorBars.setSeriesPaint(0, new Color(118, 42, 131));
    errorBars.setSeriesStroke(0, new BasicStroke(2));
    errorBars.setErrorStroke(new BasicStroke(1.5f));
    errorBars.setSeriesShape(0, new Ellipse2D.Double(-4, -4, 8, 8));
    plot.setRenderer(1, errorBars);
    // Later lines on top: the best so far over the maximum it often equals, the baseline over both.
    plot.setSeriesRenderingOrder(SeriesRenderingOrder.FORWARD);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(230, 230, 230));
    plot.setRangeGridlinePaint(new Color(230, 230, 230));
    plot.setOutlinePaint(Color.BLACK);

    JFreeChart chart = new JFreeChart("MPO search: true return of the candidates and the evaluated mean",
        new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, false);
    LegendTitle legend = new LegendTitle(plot);
    legend.setPosition(RectangleEdge.RIGHT);
    legend.setFrame(BlockBorder.NONE);
    legend.setMargin(new RectangleInsets(0, 10, 0, 10));
    chart.addLegend(legend);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  /** The legend's name of the baseline's line, e.g. "orpo (baseline)". */
  static String baselineName(SearchRun.Baseline baseline) {
    return baseline.algorithm() + " (baseline)";
  }

  private static YIntervalSeriesCollection evaluatedMeans(List<MeanEvaluation> evaluations) {
    YIntervalSeries series = new YIntervalSeries(EVALUATED_MEAN, false, false);
    for (MeanEvaluation evaluation : evaluations) {
      double error = Double.isFinite(evaluation.standardError()) ? evaluation.standardError() : 0;
      series.add(evaluation.generations(), evaluation.mean(), evaluation.mean() - error, evaluation.mean() + error);
    }
    YIntervalSeriesCollection collection = new YIntervalSeriesCollection();
    collection.addSeries(series);
    return collection;
  }

  private static XYSeries series(String name, List<GenerationSummary> generations,
      ToDoubleFunction<GenerationSummary> value) {
    XYSeries series = new XYSeries(name, false, false);
    for (GenerationSummary summary : generations) {
      double y = value.applyAsDouble(summary);
      series.add(summary.generation() + 1, Double.isFinite(y) ? y : Double.NaN);
    }
    return series;
  }
}
