package dev.mirrorpo.learning.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Directory trees on the local file system. */
public final class Directories {
  private Directories() {}

  /** Deletes {@code directory} and everything below it; nothing happens if it does not exist. */
  public static void deleteTree(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(directory)) {
      // Deepest first, so every directory is empty when its turn comes.
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
