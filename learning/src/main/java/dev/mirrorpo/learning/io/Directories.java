package dev.mirrorpo.learning.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Directory trees on the local file system. */
public final class Directories {
  private Directories() {}

  /**
   * Refuses, before any work, a directory that cannot be there to write into: it must be a directory if it
   * exists, and otherwise its nearest existing ancestor must be a writable directory.
   *
   * @param option the option that named it, for the message ("--out")
   * @throws IllegalArgumentException one line naming the path, what is in the way and the option
   */
  public static void requireCreatable(Path directory, String option) {
    Path absolute = directory.toAbsolutePath().normalize();
    if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
      throw new IllegalArgumentException(option + " " + directory + " is a file, not a directory; choose another "
          + option);
    }
    requireNothingInTheWay(directory, absolute, option);
  }

  /** As {@link #requireCreatable}, for a file to write: not a directory, and a directory it can go in. */
  public static void requireWritableFile(Path file, String option) {
    Path absolute = file.toAbsolutePath().normalize();
    if (Files.isDirectory(absolute)) {
      throw new IllegalArgumentException(option + " " + file + " is a directory, not a file; choose another " + option);
    }
    requireNothingInTheWay(file, absolute, option);
  }

  /** The nearest existing ancestor of a path to create must be a writable directory. */
  private static void requireNothingInTheWay(Path path, Path absolute, String option) {
    if (Files.exists(absolute)) {
      return;
    }
    Path ancestor = absolute.getParent();
    while (ancestor != null && !Files.exists(ancestor)) {
      ancestor = ancestor.getParent();
    }
    if (ancestor != null && !Files.isDirectory(ancestor)) {
      throw new IllegalArgumentException("cannot create " + option + " " + path + ": " + ancestor
          + " is a file, not a directory; choose another " + option);
    }
    if (ancestor != null && !Files.isWritable(ancestor)) {
      throw new IllegalArgumentException("cannot create " + option + " " + path + ": " + ancestor
          + " is not writable; choose another " + option);
    }
  }

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
