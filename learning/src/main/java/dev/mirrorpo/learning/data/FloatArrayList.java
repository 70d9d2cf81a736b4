package dev.mirrorpo.learning.data;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * A float[] as the {@code List<Float>} that Avro's generated classes hold: rows keep 4 bytes per
 * value until a writer reads them, instead of one boxed Float each.
 */
final class FloatArrayList extends AbstractList<Float> implements RandomAccess {
  private final float[] values;

  FloatArrayList(float[] values) {
    this.values = values;
  }

  @Override
  public Float get(int index) {
    return values[index];
  }

  @Override
  public int size() {
    return values.length;
  }
}
