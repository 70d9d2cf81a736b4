package dev.mirrorpo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.pipelines.Reproducibility;
import dev.mirrorpo.runfiles.Origin;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The golden digests committed in docs/reproducibility/ (recorded on one machine) are what this machine
 * computes: CI on every new machine is a cross-machine check. Then the same under CPU settings that
 * the pinned environment overrides, or that make the libraries act as on a smaller CPU; and, so that the
 * check is known to be able to fail, a kernel dispatch the pinning would have prevented.
 */
class ReproducibilityTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path GOLDEN = ROOT.resolve("docs/reproducibility/golden-digests.json");
  private static final Path QUICK = ROOT.resolve("configs/quick.yaml");
  /** The quick dataset and a short training: what a CPU setting changes first. */
  private static final String FIRST_ARTEFACTS = "quick-dataset,orpo-training";

  @TempDir Path work;

  @Test
  void thisMachineComputesTheGoldenDigests() {
    Reproducibility.Golden golden = Reproducibility.Golden.read(GOLDEN);
    List<Reproducibility.Digest> digests = Reproducibility.compute(QUICK, work, Set.of(),
        new Origin("test", "unknown", "now"), new PrintWriter(Writer.nullWriter()));
    assertEquals(Reproducibility.ARTEFACTS, digests.stream().map(Reproducibility.Digest::name).toList());
    String difference = Reproducibility.firstDifference(golden, digests);
    assertNull(difference, difference);
  }

  @Test
  void cpuSettingsThatThePinningOverridesOrThatMimicASmallerCpuChangeNothing() throws Exception {
    // Overridden by bin/numerics.env: what this machine's CPU or a user's shell would otherwise select.
    // Left alone, and harmless under the pins: MKL and glibc told to act as on a CPU without AVX-512.
    String output = check(work.resolve("other-settings"), Map.of(
        "MKL_CBWR", "AUTO", "ATEN_CPU_CAPABILITY", "avx512", "ONEDNN_MAX_CPU_ISA", "ALL",
        "OMP_NUM_THREADS", "2", "MKL_NUM_THREADS", "2",
        "MKL_ENABLE_INSTRUCTIONS", "AVX2", "GLIBC_TUNABLES", "glibc.cpu.hwcaps=-AVX512F,-AVX512VL,-AVX512BW,-AVX512DQ"));
    assertTrue(output.contains("reproducible: yes (2 artefacts match"), output);
  }

  @Test
  void anotherMatrixKernelIsCaughtByName() throws Exception {
    // MKL's AVX2 branch instead of its reproducible one sums the agents' products in another order, so the
    // dataset's rows differ (on Intel and AMD CPUs alike). ATen's dispatch no longer serves: since the trainer's
    // network runs in the network kernel, its unvectorised kernels change none of the digests.
    String output = check(work.resolve("native"), Map.of("MIRRORPO_NUMERICS", "native", "MKL_CBWR", "AVX2"));
    assertTrue(output.contains("reproducible: no: ") && output.contains(" differs from the golden digest recorded on"),
        output);
    assertNotEquals(-1, output.indexOf("quick-dataset differs"), output);
  }

  /** `mirrorpo reproducibility check --only FIRST_ARTEFACTS` in a JVM started by bin/java with more settings. */
  private static String check(Path directory, Map<String, String> settings) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(System.getProperty("mirrorpo.java"), "-cp",
        System.getProperty("java.class.path"), "dev.mirrorpo.cli.Mirrorpo", "reproducibility", "check",
        "--golden", GOLDEN.toString(), "--config", QUICK.toString(), "--only", FIRST_ARTEFACTS));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(Files.createDirectories(directory).resolve("check.log").toFile());
    builder.environment().putAll(settings);
    Process process = builder.start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
    }
    return Files.readString(directory.resolve("check.log"), StandardCharsets.UTF_8);
  }
}
