package dev.mirrorpo.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NumericEnvironmentTest {
  private static final String FLAGS = "fpu sse2 avx avx2 fma avx512f";

  @Test
  void testJvmsRunPinned() {
    assertNull(NumericEnvironment.problem(), "surefire starts test JVMs through bin/java");
    assertEquals(NumericEnvironment.PINNED, NumericEnvironment.mode());
    assertEquals("COMPATIBLE", NumericEnvironment.pins().get("MKL_CBWR"));
    assertEquals("avx2", NumericEnvironment.pins().get("ATEN_CPU_CAPABILITY"));
  }

  @Test
  void namesEveryVariableThatIsMissingOrDifferent() {
    Map<String, String> environment = new HashMap<>(NumericEnvironment.pins());
    environment.remove("MKL_CBWR");
    environment.put("ATEN_CPU_CAPABILITY", "avx512");
    String problem = NumericEnvironment.problem(environment::get, FLAGS);
    assertTrue(problem.contains("MKL_CBWR is unset (pinned: COMPATIBLE)"), problem);
    assertTrue(problem.contains("ATEN_CPU_CAPABILITY=avx512 (pinned: avx2)"), problem);
    assertTrue(problem.contains("bin/java") && problem.contains("MIRRORPO_NUMERICS=native"), problem);
    assertNull(NumericEnvironment.problem(new HashMap<>(NumericEnvironment.pins())::get, FLAGS));
  }

  @Test
  void nativeModeAcceptsAnyEnvironmentAndABadModeIsNamed() {
    assertNull(NumericEnvironment.problem(Map.of("MIRRORPO_NUMERICS", "native")::get, "sse2"));
    String problem = NumericEnvironment.problem(Map.of("MIRRORPO_NUMERICS", "fast")::get, FLAGS);
    assertTrue(problem.startsWith("MIRRORPO_NUMERICS=fast is not a mode"), problem);
  }

  @Test
  void aCpuWithoutTheAvx2LevelIsRefused() {
    String problem = NumericEnvironment.problem(new HashMap<>(NumericEnvironment.pins())::get, "fpu sse2 avx");
    assertTrue(problem.startsWith("this CPU has no AVX2"), problem);
    assertNull(NumericEnvironment.problem(new HashMap<>(NumericEnvironment.pins())::get, null),
        "no /proc/cpuinfo: nothing to check");
  }
}
