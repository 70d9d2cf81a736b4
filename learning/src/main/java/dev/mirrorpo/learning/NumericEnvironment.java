package dev.mirrorpo.learning;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The numeric environment this JVM runs with (docs/reproducibility.md). MKL and ATen pick their code
 * paths from the CPU unless told otherwise, and another code path sums in another order: the same seed
 * then gives other datasets and other trainings on another machine. bin/numerics.env pins them;
 * bin/java exports it before java starts, since both libraries read the environment once, when
 * they load. This class only checks: a JVM that would compute with unpinned libraries stops with one
 * message instead of producing CPU-dependent results in silence.
 *
 * <p>{@code MIRRORPO_NUMERICS=native} opts out (the CPU's fastest paths); artifacts record the
 * {@link #mode()} they were made in.
 */
public final class NumericEnvironment {
  /** The environment variable that selects the mode. */
  public static final String MODE_VARIABLE = "MIRRORPO_NUMERICS";
  public static final String PINNED = "pinned";
  public static final String NATIVE = "native";

  /** The pinned values: bin/numerics.env, packaged with this class. */
  private static final Map<String, String> PINS = readPins();
  /** The CPU features the pinned code paths need; without them the libraries fall back to others. */
  private static final String[] REQUIRED_CPU_FLAGS = {"avx2", "fma"};

  private static volatile boolean checked;

  private NumericEnvironment() {}

  /** The pinned variables and their values, in name order. */
  public static Map<String, String> pins() {
    return PINS;
  }

  /** {@value #PINNED} or {@value #NATIVE}, as this JVM was started. */
  public static String mode() {
    return NATIVE.equals(System.getenv(MODE_VARIABLE)) ? NATIVE : PINNED;
  }

  /**
   * Checks this JVM's environment once; cheap after the first call. Call before the first tensor
   * operation: the command line does it when it starts, worker threads through {@link TorchThreads}.
   *
   * @throws IllegalStateException naming each variable that is missing or has another value, and how to
   *     start the JVM instead
   */
  public static void require() {
    if (checked) {
      return;
    }
    String problem = problem();
    if (problem != null) {
      throw new IllegalStateException(problem);
    }
    checked = true;
  }

  /** What is wrong with this JVM's numeric environment, as one message, or null if nothing is. */
  public static String problem() {
    return problem(System::getenv, cpuFlags());
  }

  /**
   * What is wrong with an environment, or null: the pure core of {@link #require}.
   *
   * @param cpuFlags the flags line of /proc/cpuinfo, or null where there is none
   */
  static String problem(Function<String, String> environment, String cpuFlags) {
    String mode = environment.apply(MODE_VARIABLE);
    if (mode != null && !mode.equals(PINNED) && !mode.equals(NATIVE)) {
      return MODE_VARIABLE + "=" + mode + " is not a mode; use " + PINNED + " (the default, same results on every"
          + " x86-64 machine) or " + NATIVE + " (the CPU's fastest code paths, results that depend on the CPU)";
    }
    if (NATIVE.equals(mode)) {
      return null;
    }
    StringBuilder wrong = new StringBuilder();
    PINS.forEach((name, pinned) -> {
      String actual = environment.apply(name);
      if (!pinned.equals(actual)) {
        wrong.append(wrong.length() == 0 ? "" : ", ").append(name).append(actual == null ? " is unset" : "=" + actual)
            .append(" (pinned: ").append(pinned).append(')');
      }
    });
    if (wrong.length() > 0) {
      return "this JVM runs without mirrorpo's pinned numeric environment: " + wrong + "; its results would depend"
          + " on the CPU. Start it through bin/mirrorpo or bin/java (which export bin/numerics.env), or set "
          + MODE_VARIABLE + "=" + NATIVE + " to accept CPU-dependent results (docs/reproducibility.md)";
    }
    if (cpuFlags != null) {
      for (String flag : REQUIRED_CPU_FLAGS) {
        if (!(" " + cpuFlags + " ").contains(" " + flag + " ")) {
          return "this CPU has no " + flag.toUpperCase() + ", which the pinned code paths need (x86-64-v3): its results"
              + " would differ from every other machine's. Run on a CPU with AVX2 and FMA, or set " + MODE_VARIABLE
              + "=" + NATIVE + " to accept results of this machine only (docs/reproducibility.md)";
        }
      }
    }
    return null;
  }

  private static String cpuFlags() {
    return cpuInfo("flags");
  }

  /**
   * A field of the first processor in /proc/cpuinfo ("model name", "flags", ...), or null where the file
   * or the field does not exist.
   */
  public static String cpuInfo(String field) {
    Path cpuinfo = Path.of("/proc/cpuinfo");
    if (!Files.isReadable(cpuinfo)) {
      return null;
    }
    try {
      return Files.readAllLines(cpuinfo, StandardCharsets.UTF_8).stream()
          .filter(line -> line.startsWith(field))
          .map(line -> line.substring(line.indexOf(':') + 1).strip())
          .findFirst().orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static Map<String, String> readPins() {
    try (InputStream in = NumericEnvironment.class.getResourceAsStream("numerics.env")) {
      if (in == null) {
        throw new IllegalStateException("numerics.env is missing from the learning module's jar; rebuild with"
            + " 'make build'");
      }
      Properties properties = new Properties();
      properties.load(in);
      Map<String, String> pins = new TreeMap<>();
      properties.stringPropertyNames().forEach(name -> pins.put(name, properties.getProperty(name).strip()));
      return Collections.unmodifiableMap(pins);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read numerics.env from the learning module's jar", e);
    }
  }
}
