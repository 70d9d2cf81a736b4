package dev.mirrorpo.pipelines;

import dev.mirrorpo.learning.io.Directories;
import dev.mirrorpo.learning.io.DirectoryLock;
import java.nio.file.Path;
import org.apache.beam.sdk.options.PipelineOptions;

/** How every pipeline takes its output directory before any work (docs/reliability.md). */
final class OutputDirectories {
  private OutputDirectories() {}

  /**
   * Checks that {@code out} can be written here and by the runner's workers, then locks it for this
   * process until the returned lock is closed.
   *
   * @param command what this process does there, for the message another process gets
   * @throws IllegalArgumentException one line naming what is in the way, or the process that holds the lock
   */
  static DirectoryLock claim(Path out, PipelineOptions options, String command) {
    Directories.requireCreatable(out, "--out");
    FlinkSessionCluster.requireWorkerPaths(options);
    return DirectoryLock.acquire(out, command);
  }

  /** Where a run goes when --out is not given: runs/KIND/PRESET (configs/quick.yaml → runs/KIND/quick). */
  static Path byPreset(String kind, Path preset) {
    return Path.of("runs", kind, preset.getFileName().toString().replaceFirst("\\.ya?ml$", ""));
  }
}
