package dev.mirrorpo.transforms.io;

import dev.mirrorpo.learning.io.Directories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What Beam's FileIO leaves in an output directory after a successful write: it renames its temporary
 * files into place but may keep their (empty) .temp-beam* directory. Call only once the pipeline finished.
 */
public final class FileIoLeftovers {
  private static final String TEMPORARY_PREFIX = ".temp-beam";

  private FileIoLeftovers() {}

  /** Whether {@code path} is one of FileIO's temporary directories. */
  public static boolean isLeftover(Path path) {
    return path.getFileName().toString().startsWith(TEMPORARY_PREFIX);
  }

  /** Deletes the .temp-beam* directories directly under {@code directory}, if any. */
  public static void removeFrom(Path directory) {
    if (!Files.isDirectory(directory)) {
      return;
    }
    try (Stream<Path> listing = Files.list(directory)) {
      for (Path path : listing.filter(FileIoLeftovers::isLeftover).toList()) {
        Directories.deleteTree(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the runner's temporary directories from " + directory, e);
    }
  }
}
