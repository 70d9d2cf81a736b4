package dev.mirrorpo.learning.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
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

  private JsonFiles() {}

  /**
   * What a binding failure says, without Jackson's source excerpt: the failing field's path and the problem
   * (a wrong type, a missing or unknown key, or the codec's own message).
   */
  public static String problem(JsonMappingException e) {
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
      // The messages name no field: JsonFiles.problem puts the path of the failing field before them.
      JsonNode node = in.readValueAsTree();
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException("not an encoded float32 array");
      }
      if (!FloatCodec.ENCODING.equals(node.path("encoding").asText())) {
        throw new IllegalArgumentException("unknown encoding '" + node.path("encoding").asText() + "'");
      }
      return FloatCodec.decode(node.path("data").asText(), node.path("sha256").asText());
    }
  }
}
