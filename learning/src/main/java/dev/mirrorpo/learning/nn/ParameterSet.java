package dev.mirrorpo.learning.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named trainable tensors with one flat float[] view of all of them, in a fixed order. Optimisers,
 * checkpoints and agent files work on the flat vector; the forward pass uses the tensors. Keeping
 * the optimiser in plain Java costs two copies per step instead of dozens of tiny native ops.
 */
public final class ParameterSet {
  private final NDManager manager;
  private final Map<String, NDArray> tensors = new LinkedHashMap<>();
  private int size;

  public ParameterSet(NDManager manager) {
    this.manager = manager;
  }

  /** The manager that owns the tensors; arrays made for them in a forward pass may come from it. */
  public NDManager manager() {
    return manager;
  }

  /** Adds a trainable tensor with the given values (row-major) and returns it. */
  public NDArray add(String name, Shape shape, float[] values) {
    if (tensors.containsKey(name)) {
      throw new IllegalArgumentException("parameter " + name + " is defined twice");
    }
    if (values.length != shape.size()) {
      throw new IllegalArgumentException(
          "parameter " + name + ": " + values.length + " values for shape " + shape);
    }
    NDArray tensor = manager.create(values, shape);
    tensor.setRequiresGradient(true);
    tensors.put(name, tensor);
    size += values.length;
    return tensor;
  }

  public NDArray get(String name) {
    NDArray tensor = tensors.get(name);
    if (tensor == null) {
      throw new IllegalArgumentException("no parameter " + name + "; parameters: " + tensors.keySet());
    }
    return tensor;
  }

  public List<String> names() {
    return List.copyOf(tensors.keySet());
  }

  /** Shapes by name, in order. */
  public Map<String, Shape> shapes() {
    Map<String, Shape> shapes = new LinkedHashMap<>();
    tensors.forEach((name, tensor) -> shapes.put(name, tensor.getShape()));
    return Collections.unmodifiableMap(shapes);
  }

  /** Total number of scalars. */
  public int size() {
    return size;
  }

  /** All values, concatenated in order. */
  public float[] values() {
    float[] flat = new float[size];
    int at = 0;
    for (NDArray tensor : tensors.values()) {
      float[] values = tensor.toFloatArray();
      System.arraycopy(values, 0, flat, at, values.length);
      at += values.length;
    }
    return flat;
  }

  /** Overwrites every tensor from a flat vector laid out as {@link #values()}. */
  public void setValues(float[] flat) {
    if (flat.length != size) {
      throw new IllegalArgumentException("expected " + size + " parameter values, got " + flat.length);
    }
    int at = 0;
    for (NDArray tensor : tensors.values()) {
      int n = (int) tensor.size();
      float[] slice = new float[n];
      System.arraycopy(flat, at, slice, 0, n);
      tensor.set(slice);
      at += n;
    }
  }

  /**
   * The gradients accumulated since the last call, flat, and resets them to zero (PyTorch adds
   * each backward pass into the existing gradient).
   */
  public float[] takeGradients() {
    float[] flat = new float[size];
    int at = 0;
    for (NDArray tensor : tensors.values()) {
      try (NDArray gradient = tensor.getGradient()) {
        float[] values = gradient.toFloatArray();
        System.arraycopy(values, 0, flat, at, values.length);
        at += values.length;
        gradient.subi(gradient);
      }
    }
    return flat;
  }

  /** Tensors in order, for code that needs them all (e.g. to detach copies). */
  public List<NDArray> tensors() {
    return new ArrayList<>(tensors.values());
  }
}
