package dev.mirrorpo.learning.mpo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mirrorpo.learning.io.AtomicFiles;
import dev.mirrorpo.learning.io.FloatCodec;
import dev.mirrorpo.learning.mpo.MonotoneFunction.Activation;
import dev.mirrorpo.learning.objectives.LogSpace;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A portable description of an MPO objective (docs/mpo.md, "Exporting an objective"): one JSON file with its
 * options, formula, ζ (float32, little-endian base64, with its SHA-256), the layout of ζ, the constants of the
 * networks and where the objective came from, and beside it {@value #PYTHON_MODULE}, a reference
 * implementation in NumPy with a PyTorch loss function that reads that file and computes what
 * {@link MpoObjective} computes (tested to 1e-5 against it on real pairs).
 */
public final class MpoExport {
  public static final String FORMAT = "mirrorpo-mpo-export";
  /** Raised when a field changes meaning; the Python module checks the format, not the version. */
  public static final int VERSION = 1;
  public static final String PYTHON_MODULE = "mirrorpo_mpo.py";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private MpoExport() {}

  /**
   * The export's fields, in the order they are written.
   *
   * @param provenance where the objective came from and who exported it (command, commit, source file)
   */
  public static Map<String, Object> describe(MpoObjective objective, Map<String, Object> provenance) {
    MpoConfig config = objective.config();
    float[] zeta = objective.zeta();
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("format", FORMAT);
    fields.put("version", VERSION);
    fields.put("description", config.describe());
    fields.put("objective", options(config));
    fields.put("formula", formula(config));
    fields.put("layout", layout(objective.layout()));
    fields.put("constants", constants());
    fields.put("zeta_encoding", FloatCodec.ENCODING);
    fields.put("zeta_base64_float32", FloatCodec.encode(zeta));
    fields.put("zeta_checksum", FloatCodec.checksum(zeta));
    fields.put("python", PYTHON_MODULE);
    fields.put("provenance", provenance);
    return fields;
  }

  /**
   * Writes the description to {@code file} and {@value #PYTHON_MODULE} beside it, each atomically.
   *
   * @return the Python module's path
   */
  public static Path write(MpoObjective objective, Map<String, Object> provenance, Path file) {
    Path python = file.toAbsolutePath().resolveSibling(PYTHON_MODULE);
    AtomicFiles.writeBytes(python, pythonModule());
    try {
      AtomicFiles.writeString(file, JSON.writeValueAsString(describe(objective, provenance)) + "\n");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the export of " + objective, e);
    }
    return python;
  }

  /** The reference implementation, as shipped in this jar. */
  public static byte[] pythonModule() {
    try (InputStream in = MpoExport.class.getResourceAsStream(PYTHON_MODULE)) {
      if (in == null) {
        throw new IllegalStateException(PYTHON_MODULE + " is missing from the learning jar; rebuild with make build");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> options(MpoConfig config) {
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("two_step", config.twoStep());
    options.put("learn_psi", config.learnPsi());
    options.put("learn_g", config.learnG());
    options.put("temporal", config.temporal());
    options.put("lambda", config.lambda());
    options.put("beta", config.beta());
    return options;
  }

  private static Map<String, Object> formula(MpoConfig config) {
    Map<String, Object> formula = new LinkedHashMap<>();
    formula.put("loss", config.twoStep()
        ? "L = -g(sigmoid(beta * (R(w) - R_ref(w) - R(l) + R_ref(l)))), R = s + n * (phiInv(x) - log x)"
        : "L = -[psi(x_w) + lambda * g(sigmoid(phiInv(x_w) - phiInv(x_l)))]");
    formula.put("inputs", "s: a sequence's summed log-likelihood; n: its number of factors (tokens; steps x action"
        + " dimensions); a = s / n; x = exp(a); w chosen, l rejected; R_ref the same under the reference policy");
    formula.put("function", "f(x) = k * S(x) + sum_j V_j * act_j(W_j * x + W'_j * x * t + c_j), t = epoch / epochs"
        + " (0-based, temporal only)");
    formula.put("skip", "S = logit x for phiInv of the one-step form, log x otherwise; a function not learned is"
        + " log x (k = 1, no units)");
    formula.put("parameters", "k = max(skip, 0); W_j = exp(inputKernel_j); c_j = hiddenBias_j; V_j ="
        + " max(outputKernel_j, 0) / output_scale_divisor; W'_j = W_j * (exp(temporalKernel_j) - 1); unit j uses"
        + " activations[j / units_per_activation]");
    formula.put("floors", "for c < 0, sqrt, cbrt and the logs of log and logit use max(u, relative_floor * |c|);"
        + " the logit's 1 - u is at least max(tiny, relative_floor * (c + W - 1)+) and its log u at most 0");
    return formula;
  }

  private static Map<String, Object> layout(MpoLayout layout) {
    List<Map<String, Object>> slices = new ArrayList<>();
    for (MpoLayout.Slice slice : layout.slices()) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("name", slice.name());
      s.put("offset", slice.offset());
      s.put("length", slice.length());
      slices.add(s);
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("size", layout.size());
    fields.put("functions", layout.functions().stream().map(f -> f.id).toList());
    fields.put("slices", slices);
    return fields;
  }

  private static Map<String, Object> constants() {
    Map<String, Object> constants = new LinkedHashMap<>();
    constants.put("hidden_units", MpoLayout.HIDDEN_UNITS);
    constants.put("units_per_activation", MpoLayout.UNITS_PER_ACTIVATION);
    constants.put("output_scale_divisor", MpoLayout.OUTPUT_SCALE_DIVISOR);
    List<String> activations = new ArrayList<>();
    for (Activation activation : Activation.values()) {
      activations.add(activation.name().toLowerCase(Locale.ROOT));
    }
    constants.put("activations", activations);
    constants.put("activation_formulas", Arrays.stream(Activation.values()).map(a -> a.formula).toList());
    constants.put("relative_floor", MonotoneFunction.RELATIVE_FLOOR);
    constants.put("tiny", MonotoneFunction.TINY);
    constants.put("largest_negative", LogSpace.LARGEST_NEGATIVE);
    return constants;
  }
}
