package dev.mirrorpo.learning.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

/** double[] as JSON arrays; Jackson writes each double in its shortest exact form, so they round-trip. */
public final class JsonArrays {
  private JsonArrays() {}

  public static void putDoubles(ArrayNode array, double[] values) {
    for (double v : values) {
      array.add(v);
    }
  }

  public static double[] doubles(JsonNode array) {
    double[] values = new double[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).asDouble();
    }
    return values;
  }
}
