package dev.mirrorpo.learning.mpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorpo.learning.HopperPairs;
import dev.mirrorpo.learning.io.FloatCodec;
import dev.mirrorpo.learning.objectives.PairBatch;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.training.PairedTrajectories;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export's Python reproduces the Java objective: each case's export is written by {@link MpoExport}, loaded by
 * the exported mirrorpo_mpo.py in Debian's Python with its NumPy and CPU PyTorch (make setup), and its per-pair
 * losses and gradients w.r.t. s_w, s_l, a_w, a_l, in NumPy and through torch_loss's autograd, must equal what the trainer's autograd gets from {@link MpoObjective} to 1e-5
 * (relative above magnitude 1) on real Hopper pairs (1000-step episodes of the committed agents, scored by a
 * fresh policy and by the expert).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MpoExportTest {
  private static final double TOLERANCE = 1e-5;
  /**
   * Debian's Python, where make setup installs python3-numpy and python3-torch (a CPU build; PyPI's Linux torch is
   * the CUDA one, about 5 GB).
   */
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final Path DISCOVERED = Path.of("..", "docs", "results", "search-hopper-1024-noisy.best.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Real pairs under one policy, with another as π_ref: s, a and |τ| of both sides. */
  private record Scored(String name, float[] sw, float[] sl, float[] aw, float[] al, float[] lw, float[] ll,
      float[] rsw, float[] rsl, float[] raw, float[] ral) {}

  private final List<Scored> scored = new ArrayList<>();

  @BeforeAll
  void recordRealPairs() {
    try (GaussianPolicy expert = HopperPairs.agent("expert");
        GaussianPolicy ref43 = HopperPairs.agent("ref-43")) {
      PairedTrajectories data = HopperPairs.record(expert, ref43, 2024, 8, 1000);
      try (GaussianPolicy fresh = HopperPairs.fresh(data, 5)) {
        scored.add(score("fresh policy, π_ref expert", data, fresh, expert));
        scored.add(score("expert, π_ref fresh policy", data, expert, fresh));
      }
    }
  }

  @Test
  void pythonReproducesJavaLossesAndGradients(@TempDir Path directory) throws Exception {
    assertTrue(Files.isExecutable(PYTHON), "no Python at " + PYTHON + "; run make setup");
    List<Map<String, Object>> cases = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(16);
    addCases(cases, directory, "discovered (search-hopper-1024-noisy)", discovered(), 0, 0);
    // Away from the start point, where every activation, floor and the temporal input act.
    addCases(cases, directory, "two-step, g learned, temporal", perturbed(MpoConfig.twoStep(true, true), 0.3, random),
        11, 12);
    addCases(cases, directory, "one-step, ψ learned, temporal",
        perturbed(MpoConfig.oneStep(true, false, true), 1.0, random), 5, 12);
    Path fixture = directory.resolve("fixture.json");
    Files.writeString(fixture, JSON.writeValueAsString(Map.of("cases", cases)));

    JsonNode result = JSON.readTree(runPython(PYTHON, directory, fixture));
    // The errors reached, for docs/results.md.
    System.out.println("MpoExportTest: " + result);
    assertEquals(cases.size(), result.get("cases").size());
    for (JsonNode c : result.get("cases")) {
      double numpy = c.get("numpy").asDouble();
      assertTrue(numpy <= TOLERANCE, c.get("name").asText() + ": NumPy differs from Java by " + numpy);
      double torch = c.get("torch").asDouble();
      assertTrue(torch <= TOLERANCE, c.get("name").asText() + ": torch_loss differs from Java by " + torch);
    }
  }

  @Test
  void theExportDescribesTheObjective(@TempDir Path directory) throws IOException {
    MpoObjective objective = discovered();
    Path file = directory.resolve("objective.json");
    Path python = MpoExport.write(objective, Map.of("source", DISCOVERED.toString()), file);
    assertEquals(directory.resolve(MpoExport.PYTHON_MODULE), python);
    assertEquals(new String(MpoExport.pythonModule(), StandardCharsets.UTF_8), Files.readString(python));
    JsonNode export = JSON.readTree(file.toFile());
    assertEquals(MpoExport.FORMAT, export.get("format").asText());
    float[] zeta = FloatCodec.decode(export.get("zeta_base64_float32").asText(), export.get("zeta_checksum").asText());
    assertTrue(Arrays.equals(objective.zeta(), zeta), "ζ round trip");
    assertEquals(objective.layout().size(), export.get("layout").get("size").asInt());
    assertEquals(objective.layout().slices().size(), export.get("layout").get("slices").size());
    assertEquals("psi.skip", export.get("layout").get("slices").get(0).get("name").asText());
    assertTrue(export.get("objective").get("learn_psi").asBoolean());
    assertEquals(DISCOVERED.toString(), export.get("provenance").get("source").asText());
  }

  private void addCases(List<Map<String, Object>> cases, Path directory, String name, MpoObjective objective,
      int epoch, int epochs) {
    Path export = directory.resolve("export-" + cases.size() + ".json");
    MpoExport.write(objective, Map.of("test", name), export);
    MpoObjective bound = epochs > 0 ? objective.forEpoch(epoch, epochs) : objective;
    for (Scored pairs : scored) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("name", name + "; " + pairs.name());
      c.put("export", export.toString());
      c.put("epoch", epoch);
      c.put("epochs", epochs);
      c.put("inputs", inputs(pairs));
      c.put("java", javaTerms(bound, pairs));
      cases.add(c);
    }
  }

  private static Map<String, Object> inputs(Scored p) {
    Map<String, Object> inputs = new LinkedHashMap<>();
    inputs.put("s_w", p.sw());
    inputs.put("s_l", p.sl());
    inputs.put("a_w", p.aw());
    inputs.put("a_l", p.al());
    inputs.put("length_w", p.lw());
    inputs.put("length_l", p.ll());
    inputs.put("ref_s_w", p.rsw());
    inputs.put("ref_s_l", p.rsl());
    inputs.put("ref_a_w", p.raw());
    inputs.put("ref_a_l", p.ral());
    return inputs;
  }

  /** The per-pair losses and their gradients as the trainer's autograd gets them. */
  private static Map<String, Object> javaTerms(MpoObjective objective, Scored p) {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray[] leaves = {manager.create(p.sw()), manager.create(p.sl()), manager.create(p.aw()),
          manager.create(p.al())};
      for (NDArray leaf : leaves) {
        leaf.setRequiresGradient(true);
      }
      PairBatch.Reference reference = new PairBatch.Reference(manager.create(p.rsw()), manager.create(p.rsl()),
          manager.create(p.raw()), manager.create(p.ral()));
      Map<String, Object> terms = new LinkedHashMap<>();
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        PairBatch batch = new PairBatch(leaves[0], leaves[1], leaves[2], leaves[3], manager.create(p.lw()),
            manager.create(p.ll()), objective.needsReference() ? reference : null);
        NDArray losses = objective.pairLosses(batch);
        terms.put("loss", losses.toFloatArray());
        // Pairs are independent, so the gradient of the sum holds each pair's own gradient.
        collector.backward(losses.sum());
      }
      String[] names = {"d_s_w", "d_s_l", "d_a_w", "d_a_l"};
      for (int v = 0; v < names.length; v++) {
        terms.put(names[v], leaves[v].getGradient().toFloatArray());
      }
      return terms;
    }
  }

  private static Scored score(String name, PairedTrajectories data, GaussianPolicy policy, GaussianPolicy reference) {
    float[][] w = HopperPairs.likelihoods(policy, data.chosen());
    float[][] l = HopperPairs.likelihoods(policy, data.rejected());
    float[][] rw = HopperPairs.likelihoods(reference, data.chosen());
    float[][] rl = HopperPairs.likelihoods(reference, data.rejected());
    return new Scored(name, w[0], l[0], w[1], l[1], lengths(data.chosen()), lengths(data.rejected()), rw[0], rl[0],
        rw[1], rl[1]);
  }

  private static float[] lengths(PairedTrajectories.Side side) {
    float[] lengths = new float[side.lengths().length];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = side.lengths()[i];
    }
    return lengths;
  }

  /** The objective the first Hopper search found (docs/results.md), as its best.json holds it. */
  private static MpoObjective discovered() {
    try {
      JsonNode best = JSON.readTree(DISCOVERED.toFile());
      MpoConfig config = JSON.treeToValue(best.get("mpo"), MpoConfig.class);
      return MpoObjective.create(config,
          FloatCodec.decode(best.get("zeta_base64_float32").asText(), best.get("zeta_checksum").asText()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + DISCOVERED.toAbsolutePath(), e);
    }
  }

  /** ζ₀ + σ·ε: every raw value moved, so units switch on (V > 0) with biases on both sides of 0. */
  private static MpoObjective perturbed(MpoConfig config, double sigma, SplittableRandom random) {
    float[] zeta = MpoLayout.initial(config);
    for (int i = 0; i < zeta.length; i++) {
      zeta[i] += (float) (sigma * random.nextGaussian());
    }
    return MpoObjective.create(config, zeta);
  }

  private static String runPython(Path python, Path directory, Path fixture) throws Exception {
    Path script = directory.resolve("check_export.py");
    try (InputStream in = MpoExportTest.class.getResourceAsStream("check_export.py")) {
      Files.write(script, in.readAllBytes());
    }
    ProcessBuilder builder = new ProcessBuilder(python.toString(), script.toString(),
        fixture.toString()).redirectErrorStream(true);
    builder.environment().put("PYTHONPATH", directory.toString());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "check_export.py did not finish");
    assertEquals(0, process.exitValue(), "check_export.py failed:\n" + output);
    return output.lines().reduce((first, second) -> second).orElse("");
  }
}
