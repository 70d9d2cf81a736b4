package dev.mirrorpo.learning.data;

import dev.mirrorpo.learning.io.Sha256;
import dev.mirrorpo.schemas.PreferencePair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * The SHA-256 of a dataset's rows in pair order: its content's identity, whatever files, shards or
 * runner hold them (file checksums change with the sharding; this does not). Each row is taken in
 * its Avro binary encoding, so every field and every float bit counts; the digest is the SHA-256 of
 * the rows' own SHA-256s in pair-index order.
 */
public final class RowsDigest {
  private final Map<Long, byte[]> rowDigests = new TreeMap<>();
  private final SpecificDatumWriter<PreferencePair> writer = new SpecificDatumWriter<>(PreferencePair.class);
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private BinaryEncoder encoder;

  public void add(PreferencePair row) {
    bytes.reset();
    encoder = EncoderFactory.get().binaryEncoder(bytes, encoder);
    try {
      writer.write(row, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode pair " + row.getPairIndex(), e);
    }
    rowDigests.put(row.getPairIndex(), Sha256.digest().digest(bytes.toByteArray()));
  }

  /** Hex SHA-256 of the rows added so far, in pair order. */
  public String sha256() {
    MessageDigest digest = Sha256.digest();
    rowDigests.values().forEach(digest::update);
    return HexFormat.of().formatHex(digest.digest());
  }
}
