package dev.mirrorpo.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.ResolvableDeserializer;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Binds a section of a preset (a record) from one YAML mapping, in front of Jackson's own record binding: it
 * refuses a key the section does not have with every key it may have, in the record's order (Jackson lists
 * them in no order), and it binds the {@link Inline} groups, which Jackson 2.15 cannot unwrap into a record.
 * Each group binds from the section's keys it declares, the record from the rest with the group in its place.
 */
final class SectionDeserializer extends JsonDeserializer<Object> implements ResolvableDeserializer {
  static BeanDeserializerModifier modifier() {
    return new BeanDeserializerModifier() {
      @Override
      public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription description,
          JsonDeserializer<?> deserializer) {
        return description.getBeanClass().isRecord() ? new SectionDeserializer(deserializer, description, config)
            : deserializer;
      }
    };
  }

  private final JsonDeserializer<?> record;
  private final Map<String, JavaType> groups = new LinkedHashMap<>();
  /** Every key of the section: the record's own and its groups', to the group that takes it (null: the record). */
  private final Map<String, String> keys = new LinkedHashMap<>();

  private SectionDeserializer(JsonDeserializer<?> record, BeanDescription description, DeserializationConfig config) {
    this.record = record;
    Set<String> inline = Arrays.stream(description.getBeanClass().getRecordComponents())
        .filter(component -> component.isAnnotationPresent(Inline.class))
        .map(RecordComponent::getName).collect(Collectors.toSet());
    for (BeanPropertyDefinition property : description.findProperties()) {
      if (!property.couldDeserialize()
          || config.getAnnotationIntrospector().findInjectableValue(property.getPrimaryMember()) != null) {
        continue;
      }
      if (!inline.contains(property.getInternalName())) {
        keys.put(property.getName(), null);
        continue;
      }
      groups.put(property.getName(), property.getPrimaryType());
      for (BeanPropertyDefinition key : config.introspect(property.getPrimaryType()).findProperties()) {
        if (key.couldDeserialize()) {
          keys.put(key.getName(), property.getName());
        }
      }
    }
  }

  @Override
  public void resolve(DeserializationContext context) throws JsonMappingException {
    if (record instanceof ResolvableDeserializer resolvable) {
      resolvable.resolve(context);
    }
  }

  @Override
  public Object deserialize(JsonParser parser, DeserializationContext context) throws IOException {
    if (parser.hasToken(JsonToken.VALUE_EMBEDDED_OBJECT)) {
      return record.deserialize(parser, context); // a group, bound already from its section's keys
    }
    JsonNode section = context.readTree(parser);
    if (!section.isObject()) {
      return context.handleUnexpectedToken(record.handledType(), parser);
    }
    ObjectNode own = context.getNodeFactory().objectNode();
    Map<String, ObjectNode> parts = new LinkedHashMap<>();
    groups.keySet().forEach(group -> parts.put(group, context.getNodeFactory().objectNode()));
    for (Map.Entry<String, JsonNode> entry : section.properties()) {
      String key = entry.getKey();
      if (!keys.containsKey(key)) {
        List<Object> valid = new ArrayList<>(keys.keySet());
        throw UnrecognizedPropertyException.from(parser, record.handledType(), key, valid);
      }
      (keys.get(key) == null ? own : parts.get(keys.get(key))).set(key, entry.getValue());
    }
    for (Map.Entry<String, JavaType> group : groups.entrySet()) {
      own.putPOJO(group.getKey(), context.readTreeAsValue(parts.get(group.getKey()), group.getValue()));
    }
    try (JsonParser ownKeys = own.traverse(parser.getCodec())) {
      ownKeys.nextToken();
      return record.deserialize(ownKeys, context);
    }
  }
}
