package dev.mirrorpo.pipelines;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The fitness curve of a search as a PNG: per generation the candidates' mean and maximum fitness and
 * the best so far, with the baseline objective's fitness as a dashed line.
 */
final class FitnessPlot {
  private static final int WIDTH = 760;
  private static final int HEIGHT = 440;
  private static final int LEFT = 80;
  private static final int RIGHT = 180;
  private static final int TOP = 50;
  private static final int BOTTOM = 60;

  private FitnessPlot() {}

  static void write(List<GenerationSummary> generations, SearchRun.Baseline baseline, Path file) {
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      double low = Double.POSITIVE_INFINITY;
      double high = Double.NEGATIVE_INFINITY;
      for (GenerationSummary s : generations) {
        for (double v : new double[] {s.fitnessMean(), s.fitnessMax(), s.bestSoFar()}) {
          if (Double.isFinite(v)) {
            low = Math.min(low, v);
            high = Math.max(high, v);
          }
        }
      }
      if (Double.isFinite(baseline.fitness())) {
        low = Math.min(low, baseline.fitness());
        high = Math.max(high, baseline.fitness());
      }
      if (!(low <= high)) {
        low = 0;
        high = 1;
      }
      double pad = Math.max(1, (high - low) * 0.08);
      double yLow = low - pad;
      double yHigh = high + pad;
      int last = Math.max(1, generations.size() - 1);
      int plotW = WIDTH - LEFT - RIGHT;
      int plotH = HEIGHT - TOP - BOTTOM;

      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
      g.drawString("MPO search: true return of the candidates per generation", LEFT, 28);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      g.drawRect(LEFT, TOP, plotW, plotH);
      for (int t = 0; t <= 4; t++) {
        double v = yLow + (yHigh - yLow) * t / 4;
        int y = TOP + plotH - (int) Math.round(plotH * (v - yLow) / (yHigh - yLow));
        g.setColor(new Color(230, 230, 230));
        g.drawLine(LEFT + 1, y, LEFT + plotW - 1, y);
        g.setColor(Color.BLACK);
        String label = String.format(Locale.ROOT, "%.0f", v);
        g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
      }
      for (int t = 0; t <= Math.min(last, 8); t++) {
        int gen = (int) Math.round((double) last * t / Math.min(last, 8));
        int x = LEFT + (int) Math.round((double) plotW * gen / last);
        String label = Integer.toString(gen + 1);
        g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, TOP + plotH + 18);
      }
      g.drawString("generation", LEFT + plotW / 2 - 30, HEIGHT - 18);
      g.drawString("return", 12, TOP + plotH / 2);

      if (Double.isFinite(baseline.fitness())) {
        int y = TOP + plotH - (int) Math.round(plotH * (baseline.fitness() - yLow) / (yHigh - yLow));
        g.setColor(new Color(120, 120, 120));
        g.setStroke(new BasicStroke(2, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {8, 6}, 0));
        g.drawLine(LEFT, y, LEFT + plotW, y);
      }
      Object[][] series = {
        {"mean", new Color(33, 102, 172), (ToDoubleFunction<GenerationSummary>) GenerationSummary::fitnessMean},
        {"max", new Color(94, 201, 98), (ToDoubleFunction<GenerationSummary>) GenerationSummary::fitnessMax},
        {"best so far", new Color(178, 24, 43), (ToDoubleFunction<GenerationSummary>) GenerationSummary::bestSoFar},
      };
      int legendY = TOP + 10;
      for (Object[] line : series) {
        @SuppressWarnings("unchecked")
        ToDoubleFunction<GenerationSummary> value = (ToDoubleFunction<GenerationSummary>) line[2];
        g.setColor((Color) line[1]);
        g.setStroke(new BasicStroke(2));
        int px = -1;
        int py = -1;
        for (int i = 0; i < generations.size(); i++) {
          double v = value.applyAsDouble(generations.get(i));
          if (!Double.isFinite(v)) {
            px = -1;
            continue;
          }
          int x = LEFT + (int) Math.round((double) plotW * i / last);
          int y = TOP + plotH - (int) Math.round(plotH * (v - yLow) / (yHigh - yLow));
          if (px >= 0) {
            g.drawLine(px, py, x, y);
          }
          g.fillOval(x - 3, y - 3, 6, 6);
          px = x;
          py = y;
        }
        g.drawLine(LEFT + plotW + 14, legendY, LEFT + plotW + 40, legendY);
        g.setColor(Color.BLACK);
        g.drawString((String) line[0], LEFT + plotW + 46, legendY + 4);
        legendY += 20;
      }
      g.setColor(new Color(120, 120, 120));
      g.setStroke(new BasicStroke(2, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {8, 6}, 0));
      g.drawLine(LEFT + plotW + 14, legendY, LEFT + plotW + 40, legendY);
      g.setColor(Color.BLACK);
      g.drawString(baseline.algorithm() + " (baseline)", LEFT + plotW + 46, legendY + 4);
    } finally {
      g.dispose();
    }
    Png.write(image, file);
  }
}
