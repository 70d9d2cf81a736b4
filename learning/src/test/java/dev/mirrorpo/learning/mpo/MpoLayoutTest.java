package dev.mirrorpo.learning.mpo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.learning.mpo.MpoLayout.Function;
import dev.mirrorpo.learning.mpo.MpoLayout.Part;
import dev.mirrorpo.learning.mpo.MpoLayout.Slice;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ζ's layout: sizes per option combination, named slices, the start point, and bad ζ. */
class MpoLayoutTest {
  /** Every valid option combination with its documented size (docs/mpo.md). */
  private static final Map<MpoConfig, Integer> SIZES = Map.ofEntries(
      Map.entry(MpoConfig.oneStep(false, false, false), 379),
      Map.entry(MpoConfig.oneStep(true, false, false), 758),
      Map.entry(MpoConfig.oneStep(false, true, false), 758),
      Map.entry(MpoConfig.oneStep(true, true, false), 1137),
      Map.entry(MpoConfig.oneStep(false, false, true), 505),
      Map.entry(MpoConfig.oneStep(true, false, true), 1010),
      Map.entry(MpoConfig.oneStep(false, true, true), 1010),
      Map.entry(MpoConfig.oneStep(true, true, true), 1515),
      Map.entry(MpoConfig.twoStep(false, false), 379),
      Map.entry(MpoConfig.twoStep(true, false), 758),
      Map.entry(MpoConfig.twoStep(false, true), 505),
      Map.entry(MpoConfig.twoStep(true, true), 1010));

  @Test
  void sizeMatchesTheDocumentedCountForEveryOptionCombination() {
    assertEquals(379, MpoLayout.STATIC_BLOCK);
    assertEquals(505, MpoLayout.TEMPORAL_BLOCK);
    assertEquals(MpoLayout.HIDDEN_UNITS, 9 * MpoLayout.UNITS_PER_ACTIVATION);
    for (Map.Entry<MpoConfig, Integer> entry : SIZES.entrySet()) {
      MpoConfig config = entry.getKey();
      assertEquals(entry.getValue(), MpoLayout.size(config), config.describe());
      assertEquals(entry.getValue(), MpoLayout.initial(config).length, config.describe());
      // λ and β are hyper-parameters, not part of ζ.
      assertEquals(entry.getValue(), MpoLayout.size(config.withLambda(2).withBeta(0.1)));
    }
  }

  @Test
  void slicesAreContiguousNamedAndInTheDocumentedOrder() {
    for (MpoConfig config : SIZES.keySet()) {
      MpoLayout layout = MpoLayout.of(config);
      int offset = 0;
      for (Slice slice : layout.slices()) {
        assertEquals(offset, slice.offset(), slice.name());
        offset += slice.length();
      }
      assertEquals(layout.size(), offset);
      List<Function> functions = layout.functions();
      assertEquals(Function.PHI_INV, functions.get(config.twoStep() || !config.learnPsi() ? 0 : 1));
      assertEquals(config.learnG(), layout.learns(Function.G));
      assertEquals(!config.twoStep() && config.learnPsi(), layout.learns(Function.PSI));
    }
    MpoLayout full = MpoLayout.of(MpoConfig.oneStep(true, true, true));
    assertEquals(List.of("psi.skip", "psi.inputKernel", "psi.hiddenBias", "psi.outputKernel", "psi.temporalKernel",
        "phiInv.skip", "phiInv.inputKernel", "phiInv.hiddenBias", "phiInv.outputKernel", "phiInv.temporalKernel",
        "g.skip", "g.inputKernel", "g.hiddenBias", "g.outputKernel", "g.temporalKernel"),
        full.slices().stream().map(Slice::name).toList());
    assertEquals(505 + 1 + 126 + 126, full.slice(Function.PHI_INV, Part.OUTPUT_KERNEL).offset());
    assertEquals("phiInv.outputKernel[5]", full.nameOf(505 + 253 + 5));
    assertEquals("g.skip", full.nameOf(1010));
  }

  @Test
  void initialPointIsOrpoOrDpoAndRoundTrips() {
    for (MpoConfig config : SIZES.keySet()) {
      MpoLayout layout = MpoLayout.of(config);
      float[] initial = layout.initial();
      assertArrayEquals(initial, layout.join(layout.split(initial)), "split/join round trip");
      MpoObjective objective = MpoObjective.create(config, initial);
      assertArrayEquals(initial, objective.zeta(), "the objective keeps ζ");
      float[] copy = objective.zeta();
      copy[0] = 42;
      assertArrayEquals(initial, objective.zeta(), "zeta() is a copy");
      Map<String, float[]> parts = layout.split(initial);
      for (Function function : layout.functions()) {
        String p = function.id + ".";
        assertEquals(1f, parts.get(p + "skip")[0], function.id + " skip");
        for (float rho : parts.get(p + "inputKernel")) {
          assertEquals(0f, rho, "W = e^0 = 1");
        }
        for (float c : parts.get(p + "hiddenBias")) {
          assertEquals(0f, c);
        }
        for (float v : parts.get(p + "outputKernel")) {
          assertEquals(0f, v, "every unit off");
        }
        if (config.temporal()) {
          for (float rho : parts.get(p + "temporalKernel")) {
            assertEquals(0f, rho, "W' = 0");
          }
        }
      }
    }
  }

  @Test
  void createCopiesZeta() {
    MpoConfig config = MpoConfig.oneStep(true, true, false);
    float[] zeta = MpoLayout.initial(config);
    MpoObjective objective = MpoObjective.create(config, zeta);
    zeta[0] = -5;
    assertEquals(1f, objective.zeta()[0]);
    assertEquals(1.0, objective.psi().skipCoefficient());
  }

  @Test
  void aBadLengthGivesOneClearMessage() {
    MpoConfig config = MpoConfig.oneStep(true, true, true);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MpoObjective.create(config, new float[1137]));
    assertEquals("MPO ζ has 1137 values, but the config (one-step, ψ learned, φ⁻¹ learned, g learned, temporal, "
        + "λ 0.5) needs 1515 = 3 learned functions (psi, phiInv, g) × 505 (see MpoLayout, docs/mpo.md)",
        e.getMessage());
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> MpoObjective.create(MpoConfig.twoStep(false, false), null));
    assertTrue(none.getMessage().contains("null") && none.getMessage().contains("379"), none.getMessage());
  }

  @Test
  void aNonFiniteValueIsNamed() {
    MpoConfig config = MpoConfig.twoStep(true, false);
    float[] zeta = MpoLayout.initial(config);
    zeta[379 + 1 + 126 + 3] = Float.NaN;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MpoObjective.create(config, zeta));
    assertEquals("MPO ζ[509] (g.hiddenBias[3]) is NaN; every value must be finite", e.getMessage());
  }

  @Test
  void invalidConfigsAndMissingSlicesAreRefused() {
    IllegalArgumentException psi = assertThrows(IllegalArgumentException.class,
        () -> new MpoConfig(true, true, false, false, 0.5, 0.5));
    assertTrue(psi.getMessage().contains("no ψ"), psi.getMessage());
    assertThrows(IllegalArgumentException.class, () -> MpoConfig.twoStep(false, false).withBeta(0));
    assertThrows(IllegalArgumentException.class, () -> MpoConfig.oneStep(false, false, false).withLambda(-1));
    assertThrows(IllegalArgumentException.class, () -> MpoConfig.oneStep(false, false, false).withLambda(Double.NaN));
    MpoLayout layout = MpoLayout.of(MpoConfig.oneStep(false, false, false));
    IllegalArgumentException slice = assertThrows(IllegalArgumentException.class,
        () -> layout.slice(Function.G, Part.SKIP));
    assertTrue(slice.getMessage().contains("no g.skip"), slice.getMessage());
    assertThrows(IllegalArgumentException.class, () -> layout.slice(Function.PHI_INV, Part.TEMPORAL_KERNEL));
    assertFalse(layout.learns(Function.PSI));
  }
}
