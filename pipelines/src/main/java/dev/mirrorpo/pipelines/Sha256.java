package dev.mirrorpo.pipelines;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 in hex, of a file (what manifests record) or of a text (keys, agent sources). */
final class Sha256 {
  private Sha256() {}

  static String ofText(String text) {
    return HexFormat.of().formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** @throws IllegalStateException naming the file if it cannot be read */
  static String ofFile(Path file) {
    try {
      DigestInputStream in = new DigestInputStream(Files.newInputStream(file), digest());
      try (in) {
        in.transferTo(OutputStream.nullOutputStream());
      }
      return HexFormat.of().formatHex(in.getMessageDigest().digest());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + " (" + e + ")", e);
    }
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
