package dev.mirrorpo.transforms.io;

import dev.mirrorpo.learning.io.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Files that a listing (a dataset's manifest, a results directory's seal) vouches for by size and SHA-256:
 * the one check every reader of a written artefact goes through before it reads a row.
 */
public final class ListedFiles {
  private ListedFiles() {}

  /** A file as its listing records it, by its name relative to the listing's directory. */
  public record Entry(String name, long bytes, String sha256) {}

  /**
   * The listed files, in the listing's order, each present with its size and SHA-256, and no file of
   * {@code present} left unlisted.
   *
   * @param present the files of the listed kind now in the directory
   * @param owner what the files make up, for messages ("dataset DIR")
   * @param listing where they are listed, for messages ("the manifest")
   * @param remedy what the user should do, for messages ("regenerate the dataset")
   * @throws IllegalArgumentException one line naming the file and the remedy
   */
  public static List<Path> verify(Path directory, List<Entry> entries, List<Path> present, String owner,
      String listing, String remedy) {
    List<Path> files = new ArrayList<>();
    for (Entry entry : entries) {
      Path file = directory.resolve(entry.name()).normalize();
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(owner + " is missing its file " + entry.name() + "; " + remedy);
      }
      long size = size(file);
      if (size != entry.bytes()) {
        throw new IllegalArgumentException("Parquet file " + file + " is " + size + " bytes but " + listing + " says "
            + entry.bytes() + ": it is truncated or was replaced; " + remedy);
      }
      if (!Sha256.ofFile(file).equals(entry.sha256())) {
        throw new IllegalArgumentException("Parquet file " + file + " does not match its SHA-256 in " + listing
            + ": it is corrupt or was changed; " + remedy);
      }
      files.add(file);
    }
    for (Path file : present) {
      if (!files.contains(file.normalize())) {
        throw new IllegalArgumentException(owner + " holds " + directory.relativize(file) + ", which " + listing
            + " does not list, so it is not part of it: move it out, or " + remedy);
      }
    }
    return List.copyOf(files);
  }

  /** The size of {@code file} in bytes. */
  public static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the size of " + file + ": " + e.getMessage(), e);
    }
  }
}
