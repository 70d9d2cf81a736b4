package dev.mirrorpo.report;

import dev.mirrorpo.learning.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;

/** Writes images and charts as PNG files, atomically (a reader never sees half a plot). */
final class Png {
  private Png() {}

  static void write(BufferedImage image, Path file) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, "png", bytes)) {
        throw new IllegalStateException("no PNG writer in this Java runtime");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + file + " as PNG: " + e.getMessage(), e);
    }
    AtomicFiles.writeBytes(file, bytes.toByteArray());
  }

  static void write(JFreeChart chart, int width, int height, Path file) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ChartUtils.writeChartAsPNG(bytes, chart, width, height);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + file + " as PNG: " + e.getMessage(), e);
    }
    AtomicFiles.writeBytes(file, bytes.toByteArray());
  }
}
