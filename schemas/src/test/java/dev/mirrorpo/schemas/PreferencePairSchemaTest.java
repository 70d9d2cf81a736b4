package dev.mirrorpo.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The schemas are the contract of every dataset file: versioned, with every field explained. */
class PreferencePairSchemaTest {

  @Test
  void theVersionIsTheDefaultOfTheSchemaVersionField() {
    assertEquals(1, SchemaVersions.PREFERENCE_PAIR);
  }

  @Test
  void everyFieldIsDocumented() {
    for (Schema schema : List.of(PreferencePair.getClassSchema(), Trajectory.getClassSchema())) {
      for (Schema.Field field : schema.getFields()) {
        assertFalse(field.doc() == null || field.doc().isBlank(), schema.getName() + "." + field.name());
      }
    }
  }

  @Test
  void trajectoriesHoldFloat32Arrays() {
    for (String field : List.of("observations", "actions", "rewards")) {
      Schema type = Trajectory.getClassSchema().getField(field).schema();
      assertEquals(Schema.Type.ARRAY, type.getType());
      assertEquals(Schema.Type.FLOAT, type.getElementType().getType());
    }
  }
}
