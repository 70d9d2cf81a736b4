package dev.mirrorpo.learning.mpo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The layout of ζ, the one flat float[] that holds every learnable MPO parameter (docs/mpo.md).
 *
 * <p>The learned functions come in the fixed order ψ (one-step with ψ learned), φ⁻¹ (always), g (if
 * learned). Each function is one block of {@link #STATIC_BLOCK} floats, or {@link #TEMPORAL_BLOCK} with
 * the temporal input, made of these parts in this order:
 *
 * <ol>
 *   <li>{@code skip} (1): raw skip coefficient; k = max(raw, 0) multiplies log x (ψ, g, and φ⁻¹ of the
 *       two-step form) or log(x/(1−x)) (φ⁻¹ of the one-step form);
 *   <li>{@code inputKernel} (126): ρ_j, the hidden unit's kernel on x is W_j = e^{ρ_j} &gt; 0;
 *   <li>{@code hiddenBias} (126): c_j, free;
 *   <li>{@code outputKernel} (126): raw output weights, V_j = max(raw_j, 0)/14;
 *   <li>{@code temporalKernel} (126, temporal only): ρ'_j, the kernel on the second input x·n/N is
 *       W'_j = W_j·(e^{ρ'_j} − 1) ≥ −W_j.
 * </ol>
 *
 * Hidden unit j uses activation {@code MonotoneFunction.Activation.values()[j / 14]}: 14 units each of x,
 * (x)+², x³, (x)+^½, (x)+^⅓, log((x)+), eˣ, tanh x, log(clip(x)/(1 − clip(x))), in that order.
 *
 * <p>Sizes: 379 (static) or 505 (temporal) per learned function, times 1 to 3 functions.
 */
public final class MpoLayout {
  /** Hidden units per network (the paper, §3.1). */
  public static final int HIDDEN_UNITS = 126;
  /** Units per activation: 126 split equally over the nine activations. */
  public static final int UNITS_PER_ACTIVATION = 14;
  /**
   * Output weights are V_j = max(raw_j, 0)/14: the units of one activation together weigh as much as one
   * unscaled unit. Without it an ES perturbation of σ = 0.03 switches on about 63 units of weight ≈ 0.024
   * each and changes the slopes of ψ, φ⁻¹, g (the gradients the policy gets) by 85% on average; with it,
   * by about 7% (docs/mpo.md).
   */
  public static final double OUTPUT_SCALE_DIVISOR = UNITS_PER_ACTIVATION;
  public static final int STATIC_BLOCK = 1 + 3 * HIDDEN_UNITS;
  public static final int TEMPORAL_BLOCK = STATIC_BLOCK + HIDDEN_UNITS;

  /** The three functions of MPO. */
  public enum Function {
    PSI("psi", "ψ"),
    PHI_INV("phiInv", "φ⁻¹"),
    G("g", "g");

    public final String id;
    public final String symbol;

    Function(String id, String symbol) {
      this.id = id;
      this.symbol = symbol;
    }
  }

  /** The parts of one function's block, in layout order. */
  public enum Part {
    SKIP("skip", 1),
    INPUT_KERNEL("inputKernel", HIDDEN_UNITS),
    HIDDEN_BIAS("hiddenBias", HIDDEN_UNITS),
    OUTPUT_KERNEL("outputKernel", HIDDEN_UNITS),
    TEMPORAL_KERNEL("temporalKernel", HIDDEN_UNITS);

    public final String id;
    public final int length;

    Part(String id, int length) {
      this.id = id;
      this.length = length;
    }
  }

  /** A named range of ζ: [offset, offset + length). */
  public record Slice(Function function, Part part, int offset, int length) {
    /** e.g. "phiInv.outputKernel". */
    public String name() {
      return function.id + "." + part.id;
    }
  }

  private final MpoConfig config;
  private final List<Function> functions;
  private final Map<Function, Map<Part, Slice>> slices = new EnumMap<>(Function.class);
  private final List<Slice> ordered = new ArrayList<>();
  private final int size;

  private MpoLayout(MpoConfig config) {
    this.config = config;
    List<Function> learned = new ArrayList<>();
    if (!config.twoStep() && config.learnPsi()) {
      learned.add(Function.PSI);
    }
    learned.add(Function.PHI_INV);
    if (config.learnG()) {
      learned.add(Function.G);
    }
    functions = List.copyOf(learned);
    int offset = 0;
    for (Function function : functions) {
      Map<Part, Slice> parts = new EnumMap<>(Part.class);
      for (Part part : Part.values()) {
        if (part == Part.TEMPORAL_KERNEL && !config.temporal()) {
          continue;
        }
        Slice slice = new Slice(function, part, offset, part.length);
        parts.put(part, slice);
        ordered.add(slice);
        offset += part.length;
      }
      slices.put(function, parts);
    }
    size = offset;
  }

  public static MpoLayout of(MpoConfig config) {
    if (config == null) {
      throw new IllegalArgumentException("MPO layout needs a config");
    }
    return new MpoLayout(config);
  }

  /** The number of floats in ζ for {@code config}. */
  public static int size(MpoConfig config) {
    return of(config).size();
  }

  /** ζ's start point for {@code config}: ORPO (one-step) or DPO (two-step), see {@link #initial()}. */
  public static float[] initial(MpoConfig config) {
    return of(config).initial();
  }

  public MpoConfig config() {
    return config;
  }

  public int size() {
    return size;
  }

  /** The learned functions, in layout order. */
  public List<Function> functions() {
    return functions;
  }

  public boolean learns(Function function) {
    return slices.containsKey(function);
  }

  /** Every slice, in layout order; together they cover ζ exactly once. */
  public List<Slice> slices() {
    return Collections.unmodifiableList(ordered);
  }

  /** The slice of one part of one function, or an exception naming what this layout holds. */
  public Slice slice(Function function, Part part) {
    Map<Part, Slice> parts = slices.get(function);
    Slice slice = parts == null ? null : parts.get(part);
    if (slice == null) {
      throw new IllegalArgumentException("MPO layout (" + config.describe() + ") has no " + function.id + "."
          + part.id + "; its slices: " + ordered.stream().map(Slice::name).toList());
    }
    return slice;
  }

  /**
   * The start point: every unit is the paper's activation of x itself (ρ = 0, so W = 1; c = 0; the
   * temporal kernels ρ' = 0, so W' = 0) and switched off (V raw = 0), and every skip coefficient is 1,
   * so each function is its skip term: ψ = log, g = log, and φ⁻¹ = logit (one-step: exactly ORPO) or
   * φ⁻¹ = log (two-step: exactly DPO). All these values are exact in float32.
   */
  public float[] initial() {
    float[] zeta = new float[size];
    for (Function function : functions) {
      zeta[slice(function, Part.SKIP).offset()] = 1f;
    }
    return zeta;
  }

  /**
   * Refuses a ζ that does not fit this layout, with one message that says what was expected.
   *
   * @throws IllegalArgumentException for a null ζ, a wrong length, or a non-finite value
   */
  public void check(float[] zeta) {
    if (zeta == null) {
      throw new IllegalArgumentException("MPO ζ is missing (null); " + expectation());
    }
    if (zeta.length != size) {
      throw new IllegalArgumentException("MPO ζ has " + zeta.length + " values, but " + expectation());
    }
    for (int i = 0; i < zeta.length; i++) {
      if (!Float.isFinite(zeta[i])) {
        throw new IllegalArgumentException("MPO ζ[" + i + "] (" + nameOf(i) + ") is " + zeta[i]
            + "; every value must be finite");
      }
    }
  }

  private String expectation() {
    int block = config.temporal() ? TEMPORAL_BLOCK : STATIC_BLOCK;
    return "the config (" + config.describe() + ") needs " + size + " = " + functions.size() + " learned function"
        + (functions.size() == 1 ? "" : "s") + " (" + String.join(", ", functions.stream().map(f -> f.id).toList())
        + ") × " + block + " (see MpoLayout, docs/mpo.md)";
  }

  /** The name of ζ[i], e.g. "g.hiddenBias[3]". */
  public String nameOf(int index) {
    for (Slice slice : ordered) {
      if (index >= slice.offset() && index < slice.offset() + slice.length()) {
        return slice.name() + (slice.length() == 1 ? "" : "[" + (index - slice.offset()) + "]");
      }
    }
    throw new IndexOutOfBoundsException("ζ index " + index + " outside [0, " + size + ")");
  }

  /** ζ cut into its named slices (copies), in layout order. */
  public Map<String, float[]> split(float[] zeta) {
    check(zeta);
    Map<String, float[]> parts = new LinkedHashMap<>();
    for (Slice slice : ordered) {
      float[] values = new float[slice.length()];
      System.arraycopy(zeta, slice.offset(), values, 0, slice.length());
      parts.put(slice.name(), values);
    }
    return parts;
  }

  /** The inverse of {@link #split}: exactly this layout's slices, each of its length. */
  public float[] join(Map<String, float[]> parts) {
    float[] zeta = new float[size];
    if (parts.size() != ordered.size()) {
      throw new IllegalArgumentException("MPO ζ parts " + parts.keySet() + " do not match the layout's slices "
          + ordered.stream().map(Slice::name).toList());
    }
    for (Slice slice : ordered) {
      float[] values = parts.get(slice.name());
      if (values == null || values.length != slice.length()) {
        throw new IllegalArgumentException("MPO ζ part " + slice.name() + " needs " + slice.length() + " values, got "
            + (values == null ? "none" : values.length));
      }
      System.arraycopy(values, 0, zeta, slice.offset(), slice.length());
    }
    return zeta;
  }
}
