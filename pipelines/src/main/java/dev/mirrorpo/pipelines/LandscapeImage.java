package dev.mirrorpo.pipelines;

import dev.mirrorpo.learning.objectives.LossLandscape;
import dev.mirrorpo.learning.objectives.Objective;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A loss landscape as a PNG: three heat maps side by side (loss, ∂/∂log π(τ_w), ∂/∂log π(τ_l)) with
 * log π(τ_w) across and log π(τ_l) up, each with its colour bar. The loss uses a sequential scale;
 * the gradients a diverging one centred on zero (blue negative, red positive), so the sign of each
 * update is visible at a glance. Non-finite cells are grey.
 */
public final class LandscapeImage {
  private static final int MAP = 320;
  private static final int LEFT = 78;
  private static final int BAR_GAP = 14;
  private static final int BAR = 16;
  private static final int RIGHT = 74;
  private static final int TOP = 96;
  private static final int BOTTOM = 64;
  private static final int PANEL = LEFT + MAP + BAR_GAP + BAR + RIGHT;
  private static final int BAR_TICKS = 5;
  private static final Color NON_FINITE = new Color(150, 150, 150);
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

  private LandscapeImage() {}

  public static void write(Objective objective, LossLandscape landscape, Path file) {
    BufferedImage image = new BufferedImage(3 * PANEL, TOP + MAP + BOTTOM, BufferedImage.TYPE_INT_RGB);
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
      drawCentred(g, subtitle(objective, landscape), image.getWidth() / 2, 48);
      panel(g, 0, "loss", landscape.loss(), false, landscape.grid());
      panel(g, PANEL, "∂ loss / ∂ log π(τ_w)", landscape.chosenGradient(), true, landscape.grid());
      panel(g, 2 * PANEL, "∂ loss / ∂ log π(τ_l)", landscape.rejectedGradient(), true, landscape.grid());
    } finally {
      g.dispose();
    }
    Png.write(image, file);
  }

  private static String title(Objective objective) {
    Map<String, Double> params = objective.hyperParameters();
    String values = params.entrySet().stream().map(e -> e.getKey() + " = " + format(e.getValue()))
        .collect(Collectors.joining(", "));
    return objective.name().toUpperCase(Locale.ROOT) + (values.isEmpty() ? "" : "  (" + values + ")");
  }

  private static String subtitle(Objective objective, LossLandscape landscape) {
    String reference = objective.needsReference()
        ? "; π_ref at the grid centre: per-step log π_ref = " + format(landscape.referenceMean()) + " on both sides"
        : "; no π_ref";
    return "axes: per-step log-likelihoods a = log x(τ); sums s = a·|τ|·D with |τ| = " + landscape.length()
        + ", D = " + landscape.actionSize() + reference;
  }

  private static void panel(Graphics2D g, int x0, String name, double[][] values, boolean diverging, double[] grid) {
    int steps = grid.length;
    int left = x0 + LEFT;
    double[] finite = Arrays.stream(values).flatMapToDouble(Arrays::stream).filter(Double::isFinite).sorted().toArray();
    double low = finite.length > 0 ? finite[0] : 0;
    double high = finite.length > 0 ? finite[finite.length - 1] : 0;
    // A few extreme cells (ORPO's odds as x → 1, an exponential loss) would wash out the rest: when
    // the top 2% of cells more than double the scale, it ends at the 98th percentile and the colour
    // bar says so with ≥ / ≤.
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
      low = centre - 0.5;
      high = centre + 0.5;
      clipped = false;
    }
    Color[] scale = diverging ? DIVERGING : SEQUENTIAL;

    // Cell (i, j) is a_w = grid[i] (across) and a_l = grid[j] (up).
    for (int i = 0; i < steps; i++) {
      int xa = left + i * MAP / steps;
      int xb = left + (i + 1) * MAP / steps;
      for (int j = 0; j < steps; j++) {
        int yb = TOP + MAP - j * MAP / steps;
        int ya = TOP + MAP - (j + 1) * MAP / steps;
        double v = values[i][j];
        g.setColor(Double.isFinite(v) ? colour(scale, (v - low) / (high - low)) : NON_FINITE);
        g.fillRect(xa, ya, xb - xa, yb - ya);
      }
    }
    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(1));
    g.drawRect(left, TOP, MAP, MAP);

    // The diagonal a_w = a_l: above it the rejected side is the more likely one.
    g.setColor(new Color(0, 0, 0, 150));
    g.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 5}, 0));
    g.drawLine(left, TOP + MAP, left + MAP, TOP);

    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(1));
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    drawCentred(g, name, left + MAP / 2, TOP - 14);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    double from = grid[0];
    double to = grid[steps - 1];
    for (double value : niceTicks(from, to)) {
      // Cell centres sit half a cell in from the edges.
      double fraction = (0.5 + (steps - 1) * (value - from) / (to - from)) / steps;
      int x = left + (int) Math.round(fraction * MAP);
      int y = TOP + MAP - (int) Math.round(fraction * MAP);
      g.drawLine(x, TOP + MAP, x, TOP + MAP + 4);
      drawCentred(g, format(value), x, TOP + MAP + 17);
      g.drawLine(left - 4, y, left, y);
      drawRight(g, format(value), left - 7, y + 4);
    }
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    drawCentred(g, "log π(τ_w)  (chosen, per step)", left + MAP / 2, TOP + MAP + 40);
    AffineTransform saved = g.getTransform();
    g.rotate(-Math.PI / 2, x0 + 22, TOP + MAP / 2.0);
    drawCentred(g, "log π(τ_l)  (rejected, per step)", x0 + 22, TOP + MAP / 2 + 5);
    g.setTransform(saved);

    int barLeft = left + MAP + BAR_GAP;
    for (int y = 0; y < MAP; y++) {
      g.setColor(colour(scale, 1 - (double) y / (MAP - 1)));
      g.fillRect(barLeft, TOP + y, BAR, 1);
    }
    g.setColor(Color.BLACK);
    g.drawRect(barLeft, TOP, BAR, MAP);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    for (int k = 0; k < BAR_TICKS; k++) {
      double value = high - (high - low) * k / (BAR_TICKS - 1);
      String label = format(value);
      if (clipped && k == 0) {
        label = "≥ " + label;
      } else if (clipped && diverging && k == BAR_TICKS - 1) {
        label = "≤ " + label;
      }
      int y = TOP + MAP * k / (BAR_TICKS - 1);
      g.drawLine(barLeft + BAR, y, barLeft + BAR + 4, y);
      g.drawString(label, barLeft + BAR + 7, y + 4);
    }
  }

  /** The 98th percentile of sorted values. */
  private static double percentile(double[] sorted) {
    return sorted[(int) Math.floor(0.98 * (sorted.length - 1))];
  }

  /** Round axis values (multiples of 1, 2, 2.5 or 5 × 10^k) inside [from, to], four to seven of them. */
  private static List<Double> niceTicks(double from, double to) {
    double rough = (to - from) / 5;
    double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
    double step = magnitude;
    for (double factor : new double[] {1, 2, 2.5, 5, 10}) {
      step = factor * magnitude;
      if ((to - from) / step <= 6) {
        break;
      }
    }
    List<Double> ticks = new ArrayList<>();
    for (double value = Math.ceil(from / step - 1e-9) * step; value <= to + 1e-9 * step; value += step) {
      ticks.add(Math.abs(value) < 1e-12 * step ? 0 : value);
    }
    return ticks;
  }

  /** Linear interpolation between the scale's anchors, t in [0, 1]. */
  private static Color colour(Color[] anchors, double t) {
    double position = Math.max(0, Math.min(1, t)) * (anchors.length - 1);
    int k = Math.min((int) position, anchors.length - 2);
    double f = position - k;
    Color a = anchors[k];
    Color b = anchors[k + 1];
    return new Color((int) Math.round(a.getRed() + f * (b.getRed() - a.getRed())),
        (int) Math.round(a.getGreen() + f * (b.getGreen() - a.getGreen())),
        (int) Math.round(a.getBlue() + f * (b.getBlue() - a.getBlue())));
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

  private static void drawRight(Graphics2D g, String text, int right, int baseline) {
    g.drawString(text, right - g.getFontMetrics().stringWidth(text), baseline);
  }
}
