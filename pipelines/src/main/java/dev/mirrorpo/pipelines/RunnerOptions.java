package dev.mirrorpo.pipelines;

import java.util.Arrays;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * The one place where a pipeline's options are made from Beam arguments ({@code --runner=...},
 * {@code --parallelism=...}) and each runner's defaults are applied, for every pipeline alike.
 *
 * <p>DirectRunner: one worker thread per core (its own default, at least 3, would oversubscribe a 2-core
 * machine, every worker running physics and a policy flat out), and no immutability and encodability checks
 * (they encode and decode every row once per transform, which costs more than making the rows; the
 * transforms' tests keep them on). A Flink session cluster: see {@link FlinkSessionCluster#prepare}.
 */
final class RunnerOptions {
  private RunnerOptions() {}

  /**
   * The options of {@code type} from {@code beamArgs}, with the runners' defaults where the arguments are
   * silent.
   *
   * @throws IllegalArgumentException one line for an unknown or malformed option, a count below 1, or a
   *     Flink cluster that does not answer
   */
  static <T extends PipelineOptions> T parse(Class<T> type, String... beamArgs) {
    PipelineOptionsFactory.register(type);
    T options = PipelineOptionsFactory.fromArgs(beamArgs).as(type);
    DirectOptions direct = options.as(DirectOptions.class);
    requirePositive(beamArgs, "parallelism", options.as(FlinkPipelineOptions.class).getParallelism(),
        "parallel task slots of a Flink job");
    requirePositive(beamArgs, "targetParallelism", direct.getTargetParallelism(), "worker threads of the DirectRunner");
    if (!given(beamArgs, "targetParallelism")) {
      direct.setTargetParallelism(Runtime.getRuntime().availableProcessors());
    }
    if (!given(beamArgs, "enforceImmutability")) {
      direct.setEnforceImmutability(false);
    }
    if (!given(beamArgs, "enforceEncodability")) {
      direct.setEnforceEncodability(false);
    }
    FlinkSessionCluster.prepare(options);
    return options;
  }

  /** A count the user gave must be at least 1: Beam would take 0 or −1 as "the default" without a word. */
  private static void requirePositive(String[] beamArgs, String option, int value, String what) {
    if (given(beamArgs, option) && value < 1) {
      throw new IllegalArgumentException("--" + option + "=" + value + ": the number of " + what + " must be at least"
          + " 1; leave it out for the default");
    }
  }

  private static boolean given(String[] args, String option) {
    return Arrays.stream(args).anyMatch(arg -> arg.equals("--" + option) || arg.startsWith("--" + option + "="));
  }
}
