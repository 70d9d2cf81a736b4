package dev.mirrorpo.transforms.io;

import dev.mirrorpo.learning.io.AtomicFiles;
import dev.mirrorpo.learning.io.JsonFiles;
import dev.mirrorpo.learning.io.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The results files of a directory (PREFIX*.parquet), sealed once they are complete: checksums.json lists
 * each with its size and SHA-256 and is written last, atomically. Reading them back goes through
 * {@link #verified}, which reads exactly the listed files and refuses a changed, missing or unlisted one
 * by name, so a flipped bit never becomes a number in a table.
 */
public final class SealedFiles {
  /** The seal's name in its directory. */
  public static final String SEAL = "checksums.json";
  static final String FORMAT = "mirrorpo-checksums";

  private SealedFiles() {}

  record Seal(String format, List<ListedFiles.Entry> files) {}

  /** Seals the PREFIX*.parquet files now in {@code directory}. */
  public static void seal(Path directory, String prefix) {
    List<ListedFiles.Entry> sealed = new ArrayList<>();
    for (Path file : ParquetRows.files(directory, prefix)) {
      sealed.add(new ListedFiles.Entry(file.getFileName().toString(), ListedFiles.size(file), Sha256.ofFile(file)));
    }
    try {
      AtomicFiles.writeString(directory.resolve(SEAL), JsonFiles.MAPPER.writeValueAsString(new Seal(FORMAT, sealed)));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + directory.resolve(SEAL) + ": " + e.getMessage(), e);
    }
  }

  /**
   * The sealed PREFIX*.parquet files of {@code directory}, verified; none if the directory holds neither
   * such files nor a seal.
   *
   * @param what what the files hold, for messages ("benchmark results")
   * @throws IllegalArgumentException one line naming the file and what to do, if the files are unsealed
   *     (the run that wrote them was stopped before it finished) or a file is missing, changed or unlisted
   */
  public static List<Path> verified(Path directory, String prefix, String what) {
    List<Path> present = ParquetRows.files(directory, prefix);
    Path sealFile = directory.resolve(SEAL);
    if (!Files.exists(sealFile)) {
      if (present.isEmpty()) {
        return List.of();
      }
      throw new IllegalArgumentException(directory + " holds " + what + " without " + SEAL
          + " (the run that wrote them stopped before sealing them); delete " + directory + " to compute them again");
    }
    return ListedFiles.verify(directory, read(sealFile).files(), present, directory.toString(), SEAL,
        "delete " + directory + " to compute the " + what + " again");
  }

  private static Seal read(Path file) {
    try {
      Seal seal = JsonFiles.EVOLVING.readValue(file.toFile(), Seal.class);
      if (!FORMAT.equals(seal.format()) || seal.files() == null) {
        throw new IllegalArgumentException(file + " is not a mirrorpo checksums file");
      }
      return seal;
    } catch (IOException e) {
      throw new IllegalArgumentException(file + " cannot be read (" + e.getMessage() + "); delete "
          + file.getParent() + " to compute its files again", e);
    }
  }
}
