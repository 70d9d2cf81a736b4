package dev.mirrorpo.transforms.work;

import java.io.Serializable;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * Expensive work items (a batch of candidates, a benchmark cell, minutes of training each) handed to the
 * workers one at a time, on demand: each item is a split of a bounded source ({@link WorkItemSource}) whose
 * reader does the item's work, so a worker asks for its next item only when it has finished the last.
 *
 * <p>Why not Create → Reshuffle → ParDo: on Flink a Reshuffle sends each element to a slot by the hash of a
 * random key, so two batches land on one slot of two half of the time and a generation waits for that slot
 * (docs/flink.md). Flink assigns a source's input splits lazily, to whichever subtask asks, and the
 * DirectRunner reads a source's splits in parallel; with one split per item both keep every worker busy
 * until the items run out, and a slow item holds up only its own worker.
 *
 * @param <ItemT> what describes one item of work
 * @param <OutputT> what the work yields
 */
public final class WorkItems<ItemT extends Serializable, OutputT>
    extends PTransform<PBegin, PCollection<OutputT>> {
  private final List<ItemT> items;
  private final Work<ItemT, OutputT> work;
  private final Coder<OutputT> outputCoder;

  /**
   * The work of items, run on a worker. Each reader of a split works on its own copy (a serialized clone),
   * so transient state that {@link #run} builds lives as long as one reader, and {@link #close} releases it
   * when the reader is done.
   */
  public interface Work<ItemT, OutputT> extends Serializable {
    List<OutputT> run(ItemT item);

    default void close() {}
  }

  private WorkItems(List<ItemT> items, Work<ItemT, OutputT> work, Coder<OutputT> outputCoder) {
    this.items = items;
    this.work = work;
    this.outputCoder = outputCoder;
  }

  public static <ItemT extends Serializable, OutputT> WorkItems<ItemT, OutputT> of(List<ItemT> items,
      Work<ItemT, OutputT> work, Coder<OutputT> outputCoder) {
    if (items.isEmpty()) {
      throw new IllegalArgumentException("there must be at least one work item");
    }
    return new WorkItems<>(List.copyOf(items), work, outputCoder);
  }

  @Override
  public PCollection<OutputT> expand(PBegin begin) {
    return begin.apply("PullItemByItem", Read.from(new WorkItemSource<>(items, work, outputCoder)));
  }
}
