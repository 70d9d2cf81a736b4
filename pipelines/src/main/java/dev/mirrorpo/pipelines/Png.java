package dev.mirrorpo.pipelines;

import dev.mirrorpo.learning.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Writes images as PNG files, atomically (a reader never sees half a plot). */
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
}
