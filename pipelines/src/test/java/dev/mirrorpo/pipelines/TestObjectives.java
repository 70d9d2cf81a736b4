package dev.mirrorpo.pipelines;

import dev.mirrorpo.learning.io.FloatCodec;
import dev.mirrorpo.learning.mpo.MpoConfig;
import dev.mirrorpo.runfiles.BestObjective;
import dev.mirrorpo.runfiles.SearchRun;
import java.nio.file.Path;

/** best.json files as a search writes them, with any ζ, for the benchmark's discovered objectives. */
public final class TestObjectives {
  private TestObjectives() {}

  /** Writes {@code file} (and its directory) holding {@code mpo} and {@code zeta}. */
  public static Path write(Path file, MpoConfig mpo, float[] zeta) {
    SearchRun.write(file, new BestObjective(BestObjective.FORMAT, mpo, 1000, 0, 0, 1, zeta.length,
        FloatCodec.encode(zeta), FloatCodec.checksum(zeta), null, "hopper", null, null, null));
    return file;
  }
}
