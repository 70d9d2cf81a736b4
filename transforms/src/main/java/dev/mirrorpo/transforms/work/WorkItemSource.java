package dev.mirrorpo.transforms.work;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.util.SerializableUtils;

/**
 * The source behind {@link WorkItems}: it splits into one source per item whatever bundle size the runner
 * asks for, and its reader yields the outputs of its items' work, item by item.
 */
final class WorkItemSource<ItemT extends Serializable, OutputT> extends BoundedSource<OutputT> {
  private final List<ItemT> items;
  private final WorkItems.Work<ItemT, OutputT> work;
  private final Coder<OutputT> outputCoder;

  WorkItemSource(List<ItemT> items, WorkItems.Work<ItemT, OutputT> work, Coder<OutputT> outputCoder) {
    this.items = items;
    this.work = work;
    this.outputCoder = outputCoder;
  }

  @Override
  public List<WorkItemSource<ItemT, OutputT>> split(long desiredBundleSizeBytes, PipelineOptions options) {
    List<WorkItemSource<ItemT, OutputT>> splits = new ArrayList<>();
    for (ItemT item : items) {
      splits.add(new WorkItemSource<>(List.of(item), work, outputCoder));
    }
    return splits;
  }

  /** One "byte" per item: the runners divide it by their parallelism, and {@link #split} ignores the result. */
  @Override
  public long getEstimatedSizeBytes(PipelineOptions options) {
    return items.size();
  }

  @Override
  public Coder<OutputT> getOutputCoder() {
    return outputCoder;
  }

  @Override
  public BoundedReader<OutputT> createReader(PipelineOptions options) {
    return new Reader();
  }

  /** Works on a copy of its own: runners may hand one source object to several readers on several threads. */
  private final class Reader extends BoundedReader<OutputT> {
    private final WorkItems.Work<ItemT, OutputT> ownWork = SerializableUtils.clone(work);
    private final Iterator<ItemT> pending = items.iterator();
    private Iterator<OutputT> outputs = List.<OutputT>of().iterator();
    private OutputT current;

    @Override
    public boolean start() {
      return advance();
    }

    @Override
    public boolean advance() {
      while (!outputs.hasNext() && pending.hasNext()) {
        outputs = ownWork.run(pending.next()).iterator();
      }
      if (!outputs.hasNext()) {
        current = null;
        return false;
      }
      current = outputs.next();
      return true;
    }

    @Override
    public OutputT getCurrent() {
      if (current == null) {
        throw new NoSuchElementException("the reader has no current output");
      }
      return current;
    }

    @Override
    public BoundedSource<OutputT> getCurrentSource() {
      return WorkItemSource.this;
    }

    @Override
    public void close() {
      ownWork.close();
    }
  }
}
