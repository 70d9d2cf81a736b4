package dev.mirrorpo.learning.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.util.stream.Collectors;

/**
 * The JSON of mirrorpo's files, configured once: keys in snake_case, indented, a missing value or an
 * unknown key refused (a file that does not say what a reader expects is not silently half-read), and
 * every float[] through one codec, the object {@code {"encoding", "sha256", "data"}} of {@link FloatCodec}
 * (float32 in base64 with the SHA-256 of its bytes: exact, and a flipped bit is caught).
 *
 * <p>Every file format of mirrorpo is a record bound by this mapper: agent files, ES and PPO state, a run
 * directory's files, dataset manifests and seals. Formats that older builds wrote with fewer or more fields
 * (manifests, seals, best.json) are read through {@link #EVOLVING}, which is the same configuration with
 * those two checks off.
 */
public final class JsonFiles {
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .addModule(new SimpleModule("float32-arrays")
          .addSerializer(float[].class, new EncodedFloatsSerializer())
          .addDeserializer(float[].class, new EncodedFloatsDeserializer()))
      .build();

  /**
   * {@link #MAPPER}'s reader for formats whose older files lack fields a newer build added (read as null, or
   * 0 for a number) or hold fields it dropped (ignored).
   */
  public static final ObjectReader EVOLVING = MAPPER.reader()
      .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .without(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
      .without(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private JsonFiles() {}

  /** Why a text is not a readable file of a format, as the end of a sentence that starts with the file's name. */
  public static final class FormatException extends Exception {
    FormatException(String problem) {
      super(problem);
    }
  }

  /**
   * Parses {@code text} and checks that it declares {@code "format": format}.
   *
   * @param what the format for people, e.g. "an ES state file"
   * @throws FormatException if the text is not JSON or declares another format
   */
  public static JsonNode tree(String text, String format, String what) throws FormatException {
    JsonNode root;
    try {
      root = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new FormatException("is not valid JSON (truncated or corrupt: " + e.getOriginalMessage() + ")");
    }
    if (root == null || !root.isObject() || !format.equals(root.path("format").asText())) {
      throw new FormatException("is not " + what + " (no \"format\": \"" + format + "\")");
    }
    return root;
  }

  /**
   * A field that a file must not leave out or set to null (a record's binding lets null through).
   *
   * @throws IllegalArgumentException naming the field if it is null
   */
  public static <T> T required(T value, String field) {
    if (value == null) {
      throw new IllegalArgumentException("field \"" + field + "\" is missing");
    }
    return value;
  }

  /**
   * Binds a file of {@code version} of its format to {@code type}.
   *
   * @throws FormatException if the file has another version, or a field is missing, unknown or malformed
   */
  public static <T> T bind(JsonNode root, int version, Class<T> type) throws FormatException {
    if (root.path("format_version").asInt(-1) != version) {
      throw new FormatException("has format version " + root.path("format_version").asText("(none)")
          + "; this build reads version " + version);
    }
    return bind(root, type);
  }

  /**
   * Binds a tree of known version to {@code type}.
   *
   * @throws FormatException if a field is missing, unknown or malformed
   */
  public static <T> T bind(JsonNode root, Class<T> type) throws FormatException {
    try {
      return MAPPER.treeToValue(root, type);
    } catch (JsonMappingException e) {
      throw new FormatException("is corrupt or incomplete: " + problem(e));
    } catch (JsonProcessingException e) {
      throw new FormatException("is corrupt: " + e.getOriginalMessage());
    }
  }

  /**
   * What a binding failure says, without Jackson's source excerpt: the failing field's path and the problem
   * (a wrong type, a missing or unknown key, or the codec's own message).
   */
  private static String problem(JsonMappingException e) {
    String path = e.getPath().stream()
        .map(reference -> reference.getFieldName() != null ? reference.getFieldName() : "[" + reference.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
    if (e instanceof UnrecognizedPropertyException) {
      return "unknown field \"" + path + "\"";
    }
    if (e instanceof MismatchedInputException && e.getOriginalMessage().startsWith("Missing creator property")) {
      return "field \"" + path + "\" is missing";
    }
    String message = e.getCause() instanceof IllegalArgumentException cause ? cause.getMessage() : e.getOriginalMessage();
    return (path.isEmpty() ? "" : "field \"" + path + "\": ") + message.lines().findFirst().orElse("");
  }

  private static final class EncodedFloatsSerializer extends JsonSerializer<float[]> {
    @Override
    public void serialize(float[] values, JsonGenerator out, SerializerProvider provider) throws IOException {
      out.writeStartObject();
      out.writeStringField("encoding", FloatCodec.ENCODING);
      out.writeStringField("sha256", FloatCodec.checksum(values));
      out.writeStringField("data", FloatCodec.encode(values));
      out.writeEndObject();
    }
  }

  private static final class EncodedFloatsDeserializer extends JsonDeserializer<float[]> {
    @Override
    public float[] deserialize(JsonParser in, DeserializationContext context) throws IOException {
      // The messages name no field: problem() puts the path of the failing field before them.
      JsonNode node = in.readValueAsTree();
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException("not an encoded float32 array");
      }
      return FloatCodec.decode(node.path("encoding").asText(), node.path("data").asText(), node.path("sha256").asText());
    }
  }
}
