package dev.mirrorpo.pipelines;

import dev.mirrorpo.runfiles.Origin;
import java.io.PrintWriter;
import java.util.Arrays;

/**
 * A pipeline in a JVM of its own, for the tests that kill one mid-run: {@code dataset}, {@code evolve} or
 * {@code sweep}, then the pipeline's options as Beam arguments (--name=value).
 */
public final class PipelineProcess {
  private PipelineProcess() {}

  public static void main(String[] args) {
    String[] options = Arrays.copyOfRange(args, 1, args.length);
    Origin origin = new Origin("PipelineProcess " + String.join(" ", args), "unknown", "unknown");
    PrintWriter progress = new PrintWriter(System.err, true);
    switch (args[0]) {
      case "dataset" -> DatasetPipeline.generate(DatasetPipeline.options(options), origin, progress);
      case "evolve" -> SearchPipeline.run(SearchPipeline.options(options), options, origin, progress);
      case "sweep" -> SweepPipeline.run(SweepPipeline.options(options), options, origin, progress);
      default -> throw new IllegalArgumentException("dataset, evolve or sweep, not " + args[0]);
    }
  }
}
