package dev.mirrorpo.learning.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 in hex: of a file (what manifests record), a text (keys, agent sources) or bytes (weights, rows). */
public final class Sha256 {
  private Sha256() {}

  public static String ofText(String text) {
    return ofBytes(text.getBytes(StandardCharsets.UTF_8));
  }

  public static String ofBytes(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  /** @throws IllegalStateException naming the file if it cannot be read */
  public static String ofFile(Path file) {
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

  /** A fresh SHA-256 digest, for data fed in pieces. */
  public static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
