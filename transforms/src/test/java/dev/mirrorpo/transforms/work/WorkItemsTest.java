package dev.mirrorpo.transforms.work;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.SourceTestUtils;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;

class WorkItemsTest {
  private static final PipelineOptions OPTIONS = PipelineOptionsFactory.create();
  private static final WorkItems.Work<Integer, Integer> TENS = item -> List.of(10 * item, 10 * item + 1);

  @Test
  void everyItemIsASplitOfItsOwnWhateverBundleSizeTheRunnerAsksFor() throws Exception {
    WorkItemSource<Integer, Integer> source = new WorkItemSource<>(List.of(1, 2, 3), TENS, VarIntCoder.of());
    for (long bundleBytes : new long[] {1, 3, Long.MAX_VALUE}) {
      List<WorkItemSource<Integer, Integer>> splits = source.split(bundleBytes, OPTIONS);
      assertEquals(List.of(List.of(10, 11), List.of(20, 21), List.of(30, 31)),
          splits.stream().map(split -> read(split)).toList(), "splits at " + bundleBytes + " bytes");
    }
    SourceTestUtils.assertSourcesEqualReferenceSource(source, source.split(1, OPTIONS), OPTIONS);
  }

  @Test
  void aPipelineYieldsEveryOutputOfEveryItemOnceOnParallelWorkers() {
    Pipeline pipeline = Pipeline.create(
        PipelineOptionsFactory.fromArgs("--runner=DirectRunner", "--targetParallelism=2").create());
    PCollection<Integer> outputs = pipeline.apply(WorkItems.of(List.of(1, 2, 3, 4, 5), TENS, VarIntCoder.of()));
    PAssert.that(outputs).containsInAnyOrder(10, 11, 20, 21, 30, 31, 40, 41, 50, 51);
    pipeline.run().waitUntilFinish();
  }

  @Test
  void anItemWithoutOutputsIsSkippedAndNoItemsAreRefused() {
    WorkItemSource<Integer, Integer> source = new WorkItemSource<>(List.of(1, 2, 3),
        item -> item == 2 ? List.of() : List.of(item), VarIntCoder.of());
    assertEquals(List.of(1, 3), read(source));
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> WorkItems.of(List.<Integer>of(), TENS, VarIntCoder.of()));
    assertEquals("there must be at least one work item", refused.getMessage());
  }

  /** Work with state that {@link #close} ends, as a generator holding native memory. */
  private static final class ClosableWork implements WorkItems.Work<Integer, Integer> {
    private transient boolean closed;

    @Override
    public List<Integer> run(Integer item) {
      if (closed) {
        throw new IllegalStateException("run after close");
      }
      return List.of(item);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void eachReaderWorksOnItsOwnCopySoClosingOneLeavesTheOthersWorking() throws Exception {
    WorkItemSource<Integer, Integer> source = new WorkItemSource<>(List.of(1, 2), new ClosableWork(),
        VarIntCoder.of());
    try (var first = source.createReader(OPTIONS); var second = source.createReader(OPTIONS)) {
      first.start();
      first.close();
      assertTrue(second.start());
      assertEquals(1, second.getCurrent());
    }
  }

  private static List<Integer> read(WorkItemSource<Integer, Integer> source) {
    try {
      return SourceTestUtils.readFromSource(source, OPTIONS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
