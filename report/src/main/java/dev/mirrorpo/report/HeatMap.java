package dev.mirrorpo.report;

import java.awt.Color;
import java.awt.Font;
import java.nio.file.Path;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * A table of mean true returns as a heat map PNG (the paper's Table 2 at a glance): one row per objective, one
 * column per dataset, each block coloured by its return on one scale from the table's lowest to its highest, and
 * labelled with the number. An entry without a return (not trained, or every seed diverged) is left blank.
 */
public final class HeatMap {
  static final int COLUMN_WIDTH = 130;
  static final int ROW_HEIGHT = 34;
  private static final int MARGIN_WIDTH = 300;
  private static final int MARGIN_HEIGHT = 170;

  /**
   * What a heat map shows.
   *
   * @param values per row, its value in each column that has one (the others are blank)
   */
  public record Grid(String title, List<String> rows, List<String> columns, Map<String, Map<String, Double>> values) {
    /** The entries of a benchmark table: each objective's best grid point per dataset, mean over seeds. */
    public static Grid of(BenchmarkTable table) {
      Map<String, Map<String, Double>> values = new LinkedHashMap<>();
      for (String algorithm : table.algorithms()) {
        Map<String, Double> row = new LinkedHashMap<>();
        for (String dataset : table.datasets()) {
          BenchmarkTable.Entry entry = table.entry(algorithm, dataset);
          if (entry != null && entry.completed() > 0) {
            row.put(dataset, entry.meanReturn());
          }
        }
        values.put(algorithm, row);
      }
      return new Grid(table.task() + ": mean true return (best grid point, mean over seeds)", table.algorithms(),
          table.datasets(), values);
    }

    double value(int row, int column) {
      return values.getOrDefault(rows.get(row), Map.of()).getOrDefault(columns.get(column), Double.NaN);
    }
  }

  private HeatMap() {}

  public static void write(Grid grid, Path file) {
    Png.write(chart(grid), width(grid.columns().size()), height(grid.rows().size()), file);
  }

  /** The image's width in pixels for {@code columns} columns: it grows with the table. */
  public static int width(int columns) {
    return MARGIN_WIDTH + COLUMN_WIDTH * columns;
  }

  /** The image's height in pixels for {@code rows} rows. */
  public static int height(int rows) {
    return MARGIN_HEIGHT + ROW_HEIGHT * rows;
  }

  /** The chart: x = column index, y = row index (the first row on top), z = the value. */
  static JFreeChart chart(Grid grid) {
    List<double[]> blocks = new ArrayList<>();
    double low = Double.POSITIVE_INFINITY;
    double high = Double.NEGATIVE_INFINITY;
    int rows = grid.rows().size();
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < grid.columns().size(); c++) {
        double value = grid.value(r, c);
        if (Double.isFinite(value)) {
          blocks.add(new double[] {c, rows - 1 - r, value});
          low = Math.min(low, value);
          high = Math.max(high, value);
        }
      }
    }
    DefaultXYZDataset data = new DefaultXYZDataset();
    double[][] series = new double[3][blocks.size()];
    for (int i = 0; i < blocks.size(); i++) {
      for (int k = 0; k < 3; k++) {
        series[k][i] = blocks.get(i)[k];
      }
    }
    data.addSeries("mean true return", series);

    if (blocks.isEmpty()) {
      low = 0;
      high = 1;
    } else if (high == low) {
      high = low + 1; // one value, or all equal: a scale needs a width
    }
    LookupPaintScale scale = new LookupPaintScale(low, high, Color.LIGHT_GRAY);
    for (int step = 0; step < PALETTE.size(); step++) {
      scale.add(low + (high - low) * step / PALETTE.size(), PALETTE.get(step));
    }
    XYBlockRenderer renderer = new XYBlockRenderer();
    renderer.setPaintScale(scale);
    SymbolAxis columns = new SymbolAxis("dataset", grid.columns().toArray(String[]::new));
    columns.setGridBandsVisible(false);
    List<String> bottomUp = new ArrayList<>(grid.rows());
    Collections.reverse(bottomUp);
    SymbolAxis objectives = new SymbolAxis(null, bottomUp.toArray(String[]::new));
    objectives.setGridBandsVisible(false);
    XYPlot plot = new XYPlot(data, columns, objectives, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    plot.setOutlinePaint(Color.BLACK);
    // The same digits on every machine, whatever its locale.
    NumberFormat digits = NumberFormat.getNumberInstance(Locale.ROOT);
    digits.setMaximumFractionDigits(1);
    digits.setMinimumFractionDigits(1);
    digits.setGroupingUsed(false);
    for (double[] block : blocks) {
      XYTextAnnotation label = new XYTextAnnotation(digits.format(block[2]), block[0], block[1]);
      label.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      double position = (block[2] - low) / (high - low);
      label.setPaint(position < 0.25 || position > 0.75 ? Color.WHITE : Color.BLACK);
      plot.addAnnotation(label);
    }

    JFreeChart chart = new JFreeChart(grid.title(), new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, false);
    NumberAxis legendAxis = new NumberAxis("mean true return");
    legendAxis.setRange(low, high);
    legendAxis.setNumberFormatOverride(digits);
    PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
    legend.setPosition(RectangleEdge.RIGHT);
    legend.setMargin(new RectangleInsets(10, 10, 10, 10));
    legend.setStripWidth(14);
    chart.addSubtitle(legend);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  /**
   * ColorBrewer's 9-class RdYlBu, reversed: blue for the lowest returns through pale yellow to red for the
   * highest. Nine steps: a reader tells them apart, and equal returns get the same colour.
   */
  static final List<Color> PALETTE = List.of(new Color(49, 54, 149), new Color(69, 117, 180),
      new Color(116, 173, 209), new Color(171, 217, 233), new Color(255, 255, 191), new Color(254, 224, 144),
      new Color(253, 174, 97), new Color(244, 109, 67), new Color(215, 48, 39));
}
