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
   * What a run of one pipeline reports while it runs and says if it fails.
   *
   * @param label the progress line's label and the job's name ("search generation 2/4")
   * @param unit what the counter counts ("candidates")
   * @param total how many units the run has
   * @param counterNamespace the class whose Beam counter {@code counter} counts finished units
   * @param pipelineName names the pipeline in messages ("the NAME pipeline failed (cause); CONSEQUENCE")
   * @param consequence what a failure leaves behind and what to do about it
   */
  record Job(String label, String unit, long total, Class<?> counterNamespace, String counter, String pipelineName,
      String consequence) {}

  /**
   * @throws IllegalArgumentException a worker's refusal of data it cannot see ({@link FlinkRefusalWatch})
   * @throws IllegalStateException if the pipeline failed or did not finish
   */
  static void runToEnd(Pipeline pipeline, PipelineOptions options, Job job, PrintWriter progress) {
    // Beam's default job name is made once per options object, so every generation of a search would
    // show under the same name in the Flink web UI; the label says which job it is.
    options.setJobName("mirrorpo " + job.label());
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
          try (ProgressDisplay display = ProgressDisplay.start(progress, job.label(), job.unit(), job.total(),
              () -> counted(result, job.counterNamespace(), job.counter()))) {
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
      throw new IllegalArgumentException(refusal + "; " + job.consequence(), failure);
    }
    if (failure != null) {
      throw new IllegalStateException("the " + job.pipelineName() + " pipeline failed ("
          + DatasetPipeline.rootCause(failure) + "); " + job.consequence(), failure);
    }
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("the " + job.pipelineName() + " pipeline ended in state " + state + "; "
          + job.consequence());
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
