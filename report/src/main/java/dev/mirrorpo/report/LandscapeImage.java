package dev.mirrorpo.report;

import dev.mirrorpo.learning.objectives.LandscapeFigure;
import dev.mirrorpo.learning.objectives.LandscapePoints;
import dev.mirrorpo.learning.objectives.LossLandscape;
import dev.mirrorpo.learning.objectives.Objective;
import dev.mirrorpo.learning.training.TrainerConfig;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYLineAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.NumberTickUnitSource;
import org.jfree.chart.axis.ValueTick;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.DefaultXYDataset;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * A loss landscape as a PNG, in the form of the MPO paper's Figures 1–5: per row, three heat maps side by side
 * (loss, ∂/∂log π(τ_w), ∂/∂log π(τ_l)) with log π(τ_w) across and log π(τ_l) up, each a JFreeChart with its
 * colour bar, and real training pairs drawn over them as dots; one row for a static objective, one per third
 * of training for a temporally aware one ({@link LandscapeFigure}). The loss uses a sequential scale; the
 * gradients a diverging one centred on zero (blue negative, red positive), so the sign of each update is
 * visible at a glance. Non-finite cells are grey.
 */
public final class LandscapeImage {
  static final int PANEL_WIDTH = 500;
  static final int PANEL_HEIGHT = 420;
  private static final int HEADER = 60;
  private static final int ROW_LABEL = 24;
  private static final int BAR_TICKS = 5;
  private static final Color NON_FINITE = new Color(150, 150, 150);
  /** Pairs drawn over the heat maps: black dots with a white rim, visible on both colour scales. */
  private static final Shape POINT = new Ellipse2D.Double(-3, -3, 6, 6);
  /** viridis at 0, ¼, ½, ¾, 1. */
  private static final Color[] SEQUENTIAL = {
    new Color(68, 1, 84), new Color(59, 82, 139), new Color(33, 145, 140), new Color(94, 201, 98),
    new Color(253, 231, 37)
  };
  /** ColorBrewer RdBu, reversed: blue for negative, white at zero, red for positive. */
  private static final Color[] DIVERGING = {
    new Color(33, 102, 172), new Color(146, 197, 222), new Color(247, 247, 247), new Color(244, 165, 130),
    new Color(178, 24, 43)
  };

  /** The window of a search's best-objective plot: log-likelihoods of a nominal trajectory, far to near 0. */
  private static final LandscapeFigure.Grid NOMINAL = new LandscapeFigure.Grid(-4, -0.05, 41,
      LossLandscape.NOMINAL_LENGTH, LossLandscape.NOMINAL_ACTION_SIZE);

  private LandscapeImage() {}

  /**
   * The objective's landscape over the window every search's best-landscape.png shows, per third of the paper
   * trainer's epochs if it is temporally aware, without pairs.
   */
  public static void writeNominal(Objective objective, Path file) {
    write(objective, LandscapeFigure.of(objective, NOMINAL, TrainerConfig.paper().epochs(), null), file);
  }

  public static void write(Objective objective, LandscapeFigure figure, Path file) {
    List<LandscapeFigure.Stage> stages = figure.stages();
    int rowHeight = PANEL_HEIGHT + (stages.size() > 1 ? ROW_LABEL : 0);
    BufferedImage image = new BufferedImage(3 * PANEL_WIDTH, HEADER + stages.size() * rowHeight,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
      drawCentred(g, title(objective), image.getWidth() / 2, 26);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      drawCentred(g, subtitle(objective, stages.get(0).landscape(), figure.points()), image.getWidth() / 2, 48);
      for (int row = 0; row < stages.size(); row++) {
        int top = HEADER + row * rowHeight;
        if (stages.size() > 1) {
          g.setColor(Color.BLACK);
          g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
          drawCentred(g, stages.get(row).label(), image.getWidth() / 2, top + 18);
          top += ROW_LABEL;
        }
        List<JFreeChart> panels = panels(stages.get(row).landscape(), figure.points());
        for (int k = 0; k < panels.size(); k++) {
          panels.get(k).draw(g, new Rectangle2D.Double(k * PANEL_WIDTH, top, PANEL_WIDTH, PANEL_HEIGHT));
        }
      }
    } finally {
      g.dispose();
    }
    Png.write(image, file);
  }

  /**
   * The three heat maps of one landscape. In each, dataset 0's single series holds one item per grid cell: x =
   * log π(τ_w) = grid[i], y = log π(τ_l) = grid[j], z = the plotted value at [i][j]; the renderer's paint scale is
   * the colour bar's. Dataset 1, drawn on top, holds the pairs (x = a_w, y = a_l) when there are any.
   */
  static List<JFreeChart> panels(LossLandscape landscape, LandscapePoints points) {
    return List.of(
        panel("loss", landscape.loss(), false, landscape.grid(), points),
        panel("∂ loss / ∂ log π(τ_w)", landscape.chosenGradient(), true, landscape.grid(), points),
        panel("∂ loss / ∂ log π(τ_l)", landscape.rejectedGradient(), true, landscape.grid(), points));
  }

  private static String title(Objective objective) {
    Map<String, Double> params = objective.hyperParameters();
    String values = params.entrySet().stream().map(e -> e.getKey() + " = " + format(e.getValue()))
        .collect(Collectors.joining(", "));
    return objective.name().toUpperCase(Locale.ROOT) + (values.isEmpty() ? "" : "  (" + values + ")");
  }

  private static String subtitle(Objective objective, LossLandscape landscape, LandscapePoints points) {
    String reference = objective.needsReference()
        ? "; π_ref at the grid centre (" + format(landscape.referenceMean()) + ")"
        : "";
    String pairs = "";
    if (points != null) {
      double[] grid = landscape.grid();
      long outside = IntStream.range(0, points.chosen().length).filter(
          i -> !inside(points.chosen()[i], grid) || !inside(points.rejected()[i], grid)).count();
      pairs = "; dots: " + points.chosen().length + " training pairs under " + points.policy()
          + (outside > 0 ? " (" + outside + " outside the window)" : "");
    }
    return "a = log x(τ) per step; s = a·|τ|·D, |τ| = " + landscape.length() + ", D = " + landscape.actionSize()
        + reference + pairs;
  }

  private static boolean inside(double value, double[] grid) {
    return value >= grid[0] && value <= grid[grid.length - 1];
  }

  private static JFreeChart panel(String name, double[][] values, boolean diverging, double[] grid,
      LandscapePoints points) {
    int steps = grid.length;
    double[][] cells = new double[3][steps * steps];
    for (int i = 0; i < steps; i++) {
      for (int j = 0; j < steps; j++) {
        cells[0][i * steps + j] = grid[i];
        cells[1][i * steps + j] = grid[j];
        cells[2][i * steps + j] = values[i][j];
      }
    }
    DefaultXYZDataset data = new DefaultXYZDataset();
    data.addSeries(name, cells);
    ColourScale scale = ColourScale.of(values, diverging);

    double cell = steps > 1 ? (grid[steps - 1] - grid[0]) / (steps - 1) : 1;
    XYBlockRenderer renderer = new XYBlockRenderer();
    renderer.setBlockWidth(cell);
    renderer.setBlockHeight(cell);
    renderer.setPaintScale(scale);
    NumberAxis chosen = axis("log π(τ_w)  (chosen, per step)", grid, cell);
    NumberAxis rejected = axis("log π(τ_l)  (rejected, per step)", grid, cell);
    XYPlot plot = new XYPlot(data, chosen, rejected, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    plot.setOutlinePaint(Color.BLACK);
    // The diagonal a_w = a_l: above it the rejected side is the more likely one.
    plot.addAnnotation(new XYLineAnnotation(grid[0] - cell / 2, grid[0] - cell / 2, grid[steps - 1] + cell / 2,
        grid[steps - 1] + cell / 2, new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
            new float[] {6, 5}, 0), new Color(0, 0, 0, 150)));

    if (points != null) {
      double[][] pairs = new double[2][points.chosen().length];
      for (int k = 0; k < points.chosen().length; k++) {
        pairs[0][k] = points.chosen()[k];
        pairs[1][k] = points.rejected()[k];
      }
      DefaultXYDataset dots = new DefaultXYDataset();
      dots.addSeries("pairs", pairs);
      XYLineAndShapeRenderer dotRenderer = new XYLineAndShapeRenderer(false, true);
      dotRenderer.setSeriesShape(0, POINT);
      dotRenderer.setSeriesPaint(0, Color.BLACK);
      dotRenderer.setUseOutlinePaint(true);
      dotRenderer.setSeriesOutlinePaint(0, Color.WHITE);
      plot.setDataset(1, dots);
      plot.setRenderer(1, dotRenderer);
      // Dataset 1 after dataset 0, so the dots lie on the heat map.
      plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
    }
    JFreeChart chart = new JFreeChart(null, null, plot, false);
    chart.setTitle(new TextTitle(name, new Font(Font.SANS_SERIF, Font.BOLD, 14)));
    PaintScaleLegend bar = new PaintScaleLegend(scale, new ColourBarAxis(scale));
    bar.setPosition(RectangleEdge.RIGHT);
    bar.setAxisLocation(AxisLocation.BOTTOM_OR_RIGHT);
    bar.setStripWidth(16);
    bar.setAxisOffset(0);
    bar.setFrame(BlockBorder.NONE);
    bar.setMargin(new RectangleInsets(4, 10, 30, 6));
    bar.setBackgroundPaint(Color.WHITE);
    chart.addSubtitle(bar);
    chart.setBackgroundPaint(Color.WHITE);
    chart.setPadding(new RectangleInsets(4, 8, 4, 8));
    return chart;
  }

  private static NumberAxis axis(String label, double[] grid, double cell) {
    NumberAxis axis = new NumberAxis(label);
    axis.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    axis.setRange(grid[0] - cell / 2, grid[grid.length - 1] + cell / 2);
    // Round ticks about six to the axis, the same across and up (the axis alone would crowd the vertical one).
    axis.setTickUnit((NumberTickUnit) new NumberTickUnitSource().getCeilingTickUnit(axis.getRange().getLength() / 6));
    return axis;
  }

  /**
   * The colours of one heat map, and its colour bar's range. A few extreme cells (ORPO's odds as x → 1, an
   * exponential loss) would wash out the rest: when the top 2% of cells more than double the scale, it ends
   * at the 98th percentile ({@code clipped}) and the colour bar says so with ≥ / ≤.
   */
  record ColourScale(double low, double high, boolean clipped, boolean diverging) implements PaintScale {
    static ColourScale of(double[][] values, boolean diverging) {
      double[] finite = Arrays.stream(values).flatMapToDouble(Arrays::stream).filter(Double::isFinite).sorted()
          .toArray();
      double low = finite.length > 0 ? finite[0] : 0;
      double high = finite.length > 0 ? finite[finite.length - 1] : 0;
      boolean clipped = false;
      if (diverging) {
        double[] magnitudes = Arrays.stream(finite).map(Math::abs).sorted().toArray();
        high = magnitudes.length > 0 ? magnitudes[magnitudes.length - 1] : 0;
        double typical = magnitudes.length > 0 ? percentile(magnitudes) : 0;
        if (high > 2 * typical) {
          high = typical;
          clipped = true;
        }
        low = -high;
      } else if (finite.length > 0) {
        double typical = percentile(finite);
        if (high - low > 2 * (typical - low)) {
          high = typical;
          clipped = true;
        }
      }
      if (!(high > low)) {
        // A constant (or empty) matrix: a unit-wide scale around it keeps the colours defined.
        double centre = (low + high) / 2;
        return new ColourScale(centre - 0.5, centre + 0.5, false, diverging);
      }
      return new ColourScale(low, high, clipped, diverging);
    }

    @Override
    public double getLowerBound() {
      return low;
    }

    @Override
    public double getUpperBound() {
      return high;
    }

    /** Linear interpolation between the scale's anchors; beyond the bounds, the end colours; grey if not finite. */
    @Override
    public Paint getPaint(double value) {
      if (!Double.isFinite(value)) {
        return NON_FINITE;
      }
      Color[] anchors = diverging ? DIVERGING : SEQUENTIAL;
      double position = Math.max(0, Math.min(1, (value - low) / (high - low))) * (anchors.length - 1);
      int k = Math.min((int) position, anchors.length - 2);
      double f = position - k;
      Color a = anchors[k];
      Color b = anchors[k + 1];
      return new Color((int) Math.round(a.getRed() + f * (b.getRed() - a.getRed())),
          (int) Math.round(a.getGreen() + f * (b.getGreen() - a.getGreen())),
          (int) Math.round(a.getBlue() + f * (b.getBlue() - a.getBlue())));
    }

    /** The colour bar's labels, top to bottom: five even steps, the clipped ends marked ≥ and ≤. */
    List<String> barLabels() {
      List<String> labels = new ArrayList<>();
      for (int k = 0; k < BAR_TICKS; k++) {
        labels.add(barLabel(k));
      }
      return labels;
    }

    double barValue(int k) {
      return high - (high - low) * k / (BAR_TICKS - 1);
    }

    private String barLabel(int k) {
      String label = format(barValue(k));
      if (clipped && k == 0) {
        return "≥ " + label;
      }
      return clipped && diverging && k == BAR_TICKS - 1 ? "≤ " + label : label;
    }
  }

  /** The colour bar's axis: the scale's own five ticks and labels instead of round numbers. */
  private static final class ColourBarAxis extends NumberAxis {
    private final ColourScale scale;

    ColourBarAxis(ColourScale scale) {
      this.scale = scale;
      setRange(scale.low(), scale.high());
      setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    }

    @Override
    public List<ValueTick> refreshTicks(Graphics2D g2, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
      List<ValueTick> ticks = new ArrayList<>();
      List<String> labels = scale.barLabels();
      for (int k = 0; k < labels.size(); k++) {
        ticks.add(new NumberTick(scale.barValue(k), labels.get(k), TextAnchor.CENTER_LEFT, TextAnchor.CENTER, 0));
      }
      return ticks;
    }
  }

  /** The 98th percentile of sorted values. */
  private static double percentile(double[] sorted) {
    return sorted[(int) Math.floor(0.98 * (sorted.length - 1))];
  }

  /** Plain numbers: integers from 100 up, four significant digits below, powers of ten at the extremes. */
  private static String format(double value) {
    double magnitude = Math.abs(value);
    if (value == 0) {
      return "0";
    }
    if (magnitude >= 1e6 || magnitude < 1e-3) {
      return String.format(Locale.ROOT, "%.2e", value);
    }
    if (magnitude >= 100) {
      return String.format(Locale.ROOT, "%.0f", value);
    }
    String text = String.format(Locale.ROOT, "%.4g", value);
    return text.contains(".") ? text.replaceAll("0+$", "").replaceAll("\\.$", "") : text;
  }

  private static void drawCentred(Graphics2D g, String text, int x, int baseline) {
    FontMetrics metrics = g.getFontMetrics();
    g.drawString(text, x - metrics.stringWidth(text) / 2, baseline);
  }
}
