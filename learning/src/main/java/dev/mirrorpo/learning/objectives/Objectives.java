package dev.mirrorpo.learning.objectives;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The baseline objectives of docs/objectives.md by name, with the defaults of its table (LLM literature;
 * MuJoCo needs its own grid, which the benchmark searches).
 */
public final class Objectives {
  /**
   * CoLPO's default threshold c on a_w: x(τ_w) = e^{−4} ≈ 0.018, below where any measured policy starts
   * on Hopper data (−3.3 for a fresh policy on expert actions; docs/objectives.md), so the preference
   * term is on from the start and switches off only if the chosen likelihood collapses.
   */
  public static final double COLPO_DEFAULT_THRESHOLD = -4.0;

  private record Entry(Map<String, Double> defaults, Function<Map<String, Double>, Objective> factory) {}

  private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

  static {
    register("sft", defaults(), p -> new Sft());
    register("dpo", defaults("beta", 0.1), p -> new Dpo(p.get("beta")));
    register("ipo", defaults("tau", 0.1), p -> new Ipo(p.get("tau")));
    register("cdpo", defaults("beta", 0.1, "epsilon", 0.1), p -> new ConservativeDpo(p.get("beta"), p.get("epsilon")));
    register("r-dpo", defaults("beta", 0.1, "alpha", 0.01),
        p -> new LengthRegularizedDpo(p.get("beta"), p.get("alpha")));
    register("cpo", defaults("beta", 0.1, "alpha", 1.0), p -> new Cpo(p.get("beta"), p.get("alpha")));
    register("orpo", defaults("lambda", 0.5), p -> new Orpo(p.get("lambda")));
    register("simpo", defaults("beta", 2.0, "gamma", 0.5), p -> new SimPo(p.get("beta"), p.get("gamma")));
    register("rrhf", defaults("lambda", 1.0), p -> new Rrhf(p.get("lambda")));
    register("slic-hf", defaults("delta", 1.0, "lambda", 0.1), p -> new SlicHf(p.get("delta"), p.get("lambda")));
    // LPO is SLiC-HF with δ → ∞, whose hinge has slope 1: β = 1 keeps that scale.
    register("lpo", defaults("beta", 1.0, "lambda", 0.1), p -> new Lpo(p.get("beta"), p.get("lambda")));
    register("colpo", defaults("beta", 1.0, "lambda", 0.1, "threshold", COLPO_DEFAULT_THRESHOLD),
        p -> new Colpo(p.get("beta"), p.get("lambda"), p.get("threshold")));
    for (Gpo.ConvexLoss loss : Gpo.ConvexLoss.values()) {
      register("gpo-" + loss.id, defaults("beta", 0.1), p -> new Gpo(loss, p.get("beta")));
    }
  }

  private Objectives() {}

  private static void register(String name, Map<String, Double> defaults,
      Function<Map<String, Double>, Objective> factory) {
    ENTRIES.put(name, new Entry(Collections.unmodifiableMap(defaults), factory));
  }

  private static Map<String, Double> defaults(Object... namesAndValues) {
    Map<String, Double> defaults = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      defaults.put((String) namesAndValues[i], (Double) namesAndValues[i + 1]);
    }
    return defaults;
  }

  /** Every objective's name, in the order of docs/objectives.md's table. */
  public static List<String> names() {
    return List.copyOf(ENTRIES.keySet());
  }

  /** The hyper-parameters of {@code name} with their defaults, in order. */
  public static Map<String, Double> defaults(String name) {
    return entry(name).defaults();
  }

  /**
   * The objective {@code name} (case-insensitive) with {@code params} overriding its defaults.
   *
   * @throws IllegalArgumentException for an unknown name (listing the valid ones), an unknown
   *     hyper-parameter (listing the objective's), or a value the objective cannot take
   */
  public static Objective create(String name, Map<String, Double> params) {
    Entry entry = entry(name);
    Map<String, Double> resolved = new LinkedHashMap<>(entry.defaults());
    for (Map.Entry<String, Double> param : params.entrySet()) {
      if (!resolved.containsKey(param.getKey())) {
        throw new IllegalArgumentException("objective " + canonical(name) + " has no hyper-parameter '"
            + param.getKey() + "'; its hyper-parameters: "
            + (entry.defaults().isEmpty() ? "none" : String.join(", ", entry.defaults().keySet())));
      }
      if (param.getValue() == null || !Double.isFinite(param.getValue())) {
        throw new IllegalArgumentException("objective " + canonical(name) + ": hyper-parameter " + param.getKey()
            + " must be a finite number, got " + param.getValue());
      }
      resolved.put(param.getKey(), param.getValue());
    }
    return entry.factory().apply(resolved);
  }

  private static Entry entry(String name) {
    Entry entry = name == null ? null : ENTRIES.get(canonical(name));
    if (entry == null) {
      throw new IllegalArgumentException("unknown objective '" + name + "'; valid objectives: "
          + String.join(", ", ENTRIES.keySet()));
    }
    return entry;
  }

  private static String canonical(String name) {
    return name.strip().toLowerCase(Locale.ROOT);
  }
}
