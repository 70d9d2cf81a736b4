package dev.mirrorpo.pipelines;

import java.io.PrintWriter;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Runs a pipeline to its end with a progress line every few seconds where the runner reports counters
 * while it runs (the DirectRunner, run without blocking); FlinkRunner's run returns when the job is done,
 * so there the callers' start and end lines are all.
 */
final class PipelineRuns {
  private PipelineRuns() {}

  /**
   * @param what the progress line's label
   * @param counter the Beam counter (namespace class and name) that counts finished units
   * @param pipelineName names the pipeline in messages ("the NAME pipeline failed (cause); CONSEQUENCE")
   * @param consequence what a failure leaves behind and what to do about it
   * @throws IllegalArgumentException a worker's refusal of data it cannot see ({@link FlinkRefusalWatch})
   * @throws IllegalStateException if the pipeline failed or did not finish
   */
  static void runToEnd(Pipeline pipeline, PipelineOptions options, String what, String unit, long total,
      Class<?> counterNamespace, String counter, String pipelineName, String consequence, PrintWriter progress) {
    // Beam's default job name is made once per options object, so every generation of a search would
    // show under the same name in the Flink web UI; the label says which job it is.
    options.setJobName("mirrorpo " + what);
    boolean direct = options.getRunner() == DirectRunner.class;
    if (direct) {
      options.as(DirectOptions.class).setBlockOnRun(false);
    }
    PipelineResult.State state = null;
    RuntimeException failure = null;
    String refusal;
    try (FlinkRefusalWatch watch = FlinkSessionCluster.watchForRefusals(options)) {
      try {
        PipelineResult result = pipeline.run();
        if (direct) {
          try (ProgressDisplay display = ProgressDisplay.start(progress, what, unit, total,
              () -> counted(result, counterNamespace, counter))) {
            state = result.waitUntilFinish();
          }
        } else {
          state = result.waitUntilFinish();
        }
      } catch (RuntimeException e) {
        failure = e;
      }
      refusal = watch == null ? null : watch.refusal();
    }
    // A job the watch cancelled may end in an exception or in state CANCELLED: the worker's refusal says why.
    if (refusal != null) {
      throw new IllegalArgumentException(refusal + "; " + consequence, failure);
    }
    if (failure != null) {
      throw new IllegalStateException("the " + pipelineName + " pipeline failed (" + DatasetPipeline.rootCause(failure)
          + "); " + consequence, failure);
    }
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("the " + pipelineName + " pipeline ended in state " + state + "; " + consequence);
    }
  }

  private static long counted(PipelineResult result, Class<?> namespace, String name) {
    long sum = 0;
    for (MetricResult<Long> counter : result.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.named(namespace, name)).build()).getCounters()) {
      sum += counter.getAttempted();
    }
    return sum;
  }
}
