package dev.mirrorpo.cli;

import java.util.List;

/** The arguments picocli left over, which are Beam's pipeline options. */
final class BeamArgs {
  private BeamArgs() {}

  /**
   * @throws IllegalArgumentException for a leftover that is not a Beam option (--name=value)
   */
  static String[] of(List<String> leftovers) {
    for (String arg : leftovers) {
      if (!arg.startsWith("--") || !arg.contains("=")) {
        throw new IllegalArgumentException("unknown argument '" + arg + "'; Beam options are written --name=value,"
            + " e.g. --runner=FlinkRunner");
      }
    }
    return leftovers.toArray(String[]::new);
  }
}
