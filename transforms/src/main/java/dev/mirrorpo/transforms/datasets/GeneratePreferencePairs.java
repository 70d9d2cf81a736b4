package dev.mirrorpo.transforms.datasets;

import dev.mirrorpo.learning.data.PairGenerationSpec;
import dev.mirrorpo.learning.data.PairRange;
import dev.mirrorpo.learning.data.PreferencePairGenerator;
import dev.mirrorpo.schemas.PreferencePair;
import dev.mirrorpo.transforms.work.WorkItems;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * Makes every row of a preference dataset: the dataset's chunks of pair indices are handed to the
 * workers one at a time as they become free ({@link WorkItems}), and each worker rolls out and judges its
 * chunks with {@link PreferencePairGenerator}. Rows depend only on the spec, never on the runner or the parallelism.
 */
public final class GeneratePreferencePairs extends PTransform<PBegin, PCollection<PreferencePair>> {
  /** The counter of pairs made, for progress displays. */
  public static final String PAIRS_COUNTER = "pairs_generated";

  private final PairGenerationSpec spec;

  private GeneratePreferencePairs(PairGenerationSpec spec) {
    this.spec = spec;
  }

  public static GeneratePreferencePairs of(PairGenerationSpec spec) {
    return new GeneratePreferencePairs(spec);
  }

  @Override
  public PCollection<PreferencePair> expand(PBegin input) {
    return input.apply("RollOutAndJudgeEachChunk", WorkItems.of(
        IntStream.range(0, spec.chunks()).boxed().toList(), new RollOutAndJudge(spec),
        AvroCoder.specific(PreferencePair.class)));
  }

  /** Rolls out and labels the pairs of one chunk, a roll-out batch at a time. */
  static final class RollOutAndJudge implements WorkItems.Work<Integer, PreferencePair> {
    private final Counter pairsGenerated = Metrics.counter(GeneratePreferencePairs.class, PAIRS_COUNTER);
    private final PairGenerationSpec spec;
    private transient PreferencePairGenerator generator;

    RollOutAndJudge(PairGenerationSpec spec) {
      this.spec = spec;
    }

    @Override
    public List<PreferencePair> run(Integer chunk) {
      if (generator == null) {
        generator = new PreferencePairGenerator(spec);
      }
      List<PreferencePair> pairs = new ArrayList<>();
      for (PairRange batch : spec.rolloutBatches(chunk)) {
        pairs.addAll(generator.generate(batch));
        pairsGenerated.inc(batch.count());
      }
      return pairs;
    }

    @Override
    public void close() {
      if (generator != null) {
        generator.close();
        generator = null;
      }
    }
  }
}
