package dev.mirrorpo.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.InjectableValues;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.EnumFeature;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mirrorpo.learning.data.Quality;
import dev.mirrorpo.learning.es.FitnessShaping;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one Jackson configuration of the presets, both ways: it binds a preset's YAML to the records, and turns
 * the records back into MLflow params, so that a setting has the same name in the file and in MLflow. Every
 * problem with a preset becomes one message naming the file and the key.
 */
final class PresetMapper {
  /** The context attribute holding the preset's directory, which its relative paths are relative to. */
  private static final String DIRECTORY = "mirrorpo.preset.directory";

  private static final ObjectMapper MAPPER = YAMLMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      // A list of one may be written as its value: algorithms: dpo.
      .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
      // pairs: 10.5 or pairs: "10" is a mistake to report, not a value to round or parse.
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .serializationInclusion(JsonInclude.Include.NON_NULL)
      // es.shaping has always been the enum's name in lower case, and search.json's params must match on resume.
      .enable(EnumFeature.WRITE_ENUMS_TO_LOWERCASE)
      .addModule(new SimpleModule()
          .setDeserializerModifier(SectionDeserializer.modifier())
          .addDeserializer(Path.class, new RelativePath())
          .addDeserializer(Quality.class, new Label<>(Quality.class, Quality::byLabel))
          .addDeserializer(FitnessShaping.class, new Label<>(FitnessShaping.class, EsSettings::shaping)))
      .build();

  private PresetMapper() {}

  static Preset read(Path file) {
    return read(file, Preset.class);
  }

  /** Reads a file of the presets' kind (a preset, a sweep) as {@code type}, each problem one message. */
  static <T> T read(Path file, Class<T> type) {
    JsonNode tree;
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      tree = MAPPER.readTree(reader);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("config " + file + ": no such file; the presets are in configs/");
    } catch (StreamReadException e) {
      // Jackson's duplicate detection says so in its message only; the parser knows where it stopped.
      if (e.getOriginalMessage().startsWith("Duplicate field") && e.getProcessor() != null) {
        String pointer = e.getProcessor().getParsingContext().pathAsPointer().toString();
        throw problem(file, "duplicate key '" + pointer.substring(1).replace('/', '.') + "'");
      }
      throw notYaml(file, e);
    } catch (JsonProcessingException e) {
      throw notYaml(file, e);
    } catch (IOException e) {
      throw new IllegalArgumentException("config " + file + " cannot be read: " + e.getMessage());
    }
    if (tree == null || !tree.isObject()) {
      throw problem(file, "the file must be a mapping of keys to values");
    }
    try {
      return MAPPER.readerFor(type)
          .withAttribute(DIRECTORY, file.toAbsolutePath().getParent())
          .with(new InjectableValues.Std().addValue(Path.class, file))
          .readValue(tree);
    } catch (ValueInstantiationException e) {
      // A record's constructor refused a value; its message names the key.
      throw problem(file, e.getCause() == null ? e.getOriginalMessage() : e.getCause().getMessage());
    } catch (UnrecognizedPropertyException e) {
      String key = key(e.getPath());
      String section = key.substring(0, key.length() - e.getPropertyName().length());
      throw problem(file, unknownKey(section, e.getPropertyName(), e.getKnownPropertyIds()));
    } catch (MismatchedInputException e) {
      JsonNode value = tree.at(pointer(e.getPath()));
      throw problem(file, "'" + key(e.getPath()) + "' must be " + expected(e.getTargetType())
          + (value.isMissingNode() ? "" : ", got " + text(value)));
    } catch (JsonMappingException e) {
      throw problem(file, key(e.getPath()) + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // binding a tree reads nothing: every problem is a JsonMappingException
    }
  }

  /** The value's settings as MLflow params: its JSON tree flattened, nested keys joined by dots (trainer.epochs). */
  static Map<String, String> params(Object value) {
    Map<String, String> params = new LinkedHashMap<>();
    flatten("", MAPPER.valueToTree(value), params);
    return params;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> params) {
    if (!node.isObject()) {
      params.put(prefix, text(node));
      return;
    }
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      flatten(prefix.isEmpty() ? entry.getKey() : prefix + "." + entry.getKey(), entry.getValue(), params);
    }
  }

  /** A value as a preset or a param shows it: a scalar as written, a list or mapping as JSON. */
  private static String text(JsonNode value) {
    return value.isValueNode() ? value.asText() : value.toString();
  }

  /**
   * The message for a key a section does not have.
   *
   * @param section the section's dotted key and a dot ("search."), or "" at the top of the preset
   */
  static String unknownKey(String section, String key, Collection<?> valid) {
    return "unknown key '" + section + key + "'; valid keys: "
        + valid.stream().map(name -> section + name).collect(Collectors.joining(", "));
  }

  /** Refuses a key that must be given; returns its value. */
  static <T> T require(T value, String key) {
    if (value == null) {
      throw new IllegalArgumentException("missing key '" + key + "'");
    }
    return value;
  }

  private static IllegalArgumentException problem(Path file, String message) {
    return new IllegalArgumentException("config " + file + ": " + message);
  }

  private static IllegalArgumentException notYaml(Path file, JsonProcessingException e) {
    return new IllegalArgumentException("config " + file + " is not valid YAML: "
        + e.getOriginalMessage().replaceAll("\\s+", " ").strip());
  }

  /** The dotted key of a place in the preset; list positions are left out (benchmark.qualities). */
  private static String key(List<JsonMappingException.Reference> path) {
    return path.stream().map(JsonMappingException.Reference::getFieldName).filter(name -> name != null)
        .collect(Collectors.joining("."));
  }

  private static JsonPointer pointer(List<JsonMappingException.Reference> path) {
    JsonPointer pointer = JsonPointer.empty();
    for (JsonMappingException.Reference reference : path) {
      pointer = reference.getFieldName() != null ? pointer.appendProperty(reference.getFieldName())
          : reference.getIndex() >= 0 ? pointer.appendIndex(reference.getIndex()) : pointer;
    }
    return pointer;
  }

  private static String expected(Class<?> type) {
    if (type == Integer.class || type == Long.class) {
      return "a whole number";
    }
    if (type == Double.class) {
      return "a number";
    }
    if (type == Boolean.class) {
      return "true or false";
    }
    if (type != null && Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (type != null && (Map.class.isAssignableFrom(type) || type.isRecord())) {
      return "a mapping of keys to values";
    }
    return "a single value";
  }

  private static String scalar(JsonParser parser, DeserializationContext context, Class<?> type) throws IOException {
    if (!parser.currentToken().isScalarValue()) {
      context.handleUnexpectedToken(type, parser); // throws: the mapper has no problem handler to substitute a value
    }
    return parser.getText();
  }

  private static Path relative(JsonParser parser, DeserializationContext context) throws IOException {
    return ((Path) context.getAttribute(DIRECTORY)).resolve(scalar(parser, context, Path.class)).normalize();
  }

  /** A file named in a preset, relative to the preset's directory. */
  private static final class RelativePath extends StdScalarDeserializer<Path> {
    RelativePath() {
      super(Path.class);
    }

    @Override
    public Path deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      return relative(parser, context);
    }
  }

  /** {@code initial_policy}: {@value TrainingSettings#SCRATCH}, or an agent file relative to the preset. */
  static final class InitialPolicy extends StdScalarDeserializer<String> {
    InitialPolicy() {
      super(String.class);
    }

    @Override
    public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      return scalar(parser, context, String.class).equals(TrainingSettings.SCRATCH) ? TrainingSettings.SCRATCH
          : relative(parser, context).toString();
    }
  }

  /** A value named by its label in a preset (a quality: poor-judge); a wrong label's message lists the right ones. */
  private static final class Label<T> extends StdScalarDeserializer<T> {
    private final Function<String, T> byLabel;

    Label(Class<T> type, Function<String, T> byLabel) {
      super(type);
      this.byLabel = byLabel;
    }

    @Override
    public T deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      String label = scalar(parser, context, handledType());
      try {
        return byLabel.apply(label);
      } catch (IllegalArgumentException e) {
        throw JsonMappingException.from(parser, e.getMessage());
      }
    }
  }
}
