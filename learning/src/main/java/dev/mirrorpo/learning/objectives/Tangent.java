package dev.mirrorpo.learning.objectives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.function.DoubleUnaryOperator;

/**
 * Values computed outside autograd (in Java, in double precision) entering it as their tangent: v·0 + value, with
 * the gradient the value's derivative. The objectives' arrays hold one number per pair, so a function built from
 * DJL's element-wise ops costs one native call and one autograd node per op (dozens for a stable log1mexp), where
 * its tangent costs four whatever the function.
 */
public final class Tangent {
  private Tangent() {}

  /** slope·(v − stopGradient(v)): zero in value, gradient {@code slope} (same shape as v) with respect to v. */
  public static NDArray term(float[] slope, NDArray v) {
    return v.getManager().create(slope, v.getShape()).mul(v.sub(v.stopGradient()));
  }

  /** f(x) for every element: the value f(x) rounded once to float32, the gradient f′(x). */
  static NDArray of(NDArray x, DoubleUnaryOperator f, DoubleUnaryOperator derivative) {
    float[] at = x.toFloatArray();
    float[] values = new float[at.length];
    float[] slopes = new float[at.length];
    for (int i = 0; i < at.length; i++) {
      values[i] = (float) f.applyAsDouble(at[i]);
      slopes[i] = (float) derivative.applyAsDouble(at[i]);
    }
    NDManager manager = x.getManager();
    return term(slopes, x).add(manager.create(values, x.getShape()));
  }
}
