package dev.mirrorpo.learning.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/** float32 arrays as little-endian base64 text with a SHA-256 of the bytes: exact and checkable. */
public final class FloatCodec {
  public static final String ENCODING = "float32-le-base64";

  private FloatCodec() {}

  public static String encode(float[] values) {
    return Base64.getEncoder().encodeToString(toBytes(values));
  }

  /** SHA-256 (hex) of the encoded bytes of {@code values}. */
  public static String checksum(float[] values) {
    return Sha256.ofBytes(toBytes(values));
  }

  /**
   * Decodes and verifies data that declares its encoding.
   *
   * @throws IllegalArgumentException if the encoding is not {@link #ENCODING}, or as {@link #decode(String, String)}
   */
  public static float[] decode(String encoding, String base64, String expectedChecksum) {
    if (!ENCODING.equals(encoding)) {
      throw new IllegalArgumentException("unknown encoding '" + encoding + "'");
    }
    return decode(base64, expectedChecksum);
  }

  /**
   * Decodes and verifies.
   *
   * @throws IllegalArgumentException if the text is not base64 of whole float32s or the checksum differs
   */
  public static float[] decode(String base64, String expectedChecksum) {
    byte[] bytes = Base64.getDecoder().decode(base64);
    if (bytes.length % Float.BYTES != 0) {
      throw new IllegalArgumentException("data is " + bytes.length + " bytes, not a whole number of float32");
    }
    if (!Sha256.ofBytes(bytes).equals(expectedChecksum)) {
      throw new IllegalArgumentException("data does not match its SHA-256 checksum");
    }
    float[] values = new float[bytes.length / Float.BYTES];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    return values;
  }

  private static byte[] toBytes(float[] values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(values);
    return buffer.array();
  }
}
