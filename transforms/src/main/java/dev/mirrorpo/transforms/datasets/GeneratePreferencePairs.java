package dev.mirrorpo.transforms.datasets;

import dev.mirrorpo.learning.data.PairGenerationSpec;
import dev.mirrorpo.learning.data.PairRange;
import dev.mirrorpo.learning.data.PreferencePairGenerator;
import dev.mirrorpo.schemas.PreferencePair;
import java.util.stream.IntStream;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * Makes every row of a preference dataset: the dataset's chunks of pair indices are spread over
 * the workers, and each worker rolls out and judges its chunks with {@link PreferencePairGenerator}.
 * Rows depend only on the spec, never on the runner or the parallelism.
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
    return input
        .apply("ChunkIndices", Create.of(IntStream.range(0, spec.chunks()).boxed().toList()))
        .apply("SpreadChunksOverWorkers", Reshuffle.viaRandomKey())
        .apply("RollOutAndJudge", ParDo.of(new RollOutAndJudgeFn(spec)))
        .setCoder(AvroCoder.specific(PreferencePair.class));
  }

  /** Rolls out and labels the pairs of one chunk, a roll-out batch at a time. */
  static final class RollOutAndJudgeFn extends DoFn<Integer, PreferencePair> {
    private final Counter pairsGenerated = Metrics.counter(GeneratePreferencePairs.class, PAIRS_COUNTER);
    private final PairGenerationSpec spec;
    private transient PreferencePairGenerator generator;

    RollOutAndJudgeFn(PairGenerationSpec spec) {
      this.spec = spec;
    }

    @Setup
    public void loadAgents() {
      generator = new PreferencePairGenerator(spec);
    }

    @ProcessElement
    public void processElement(@Element Integer chunk, OutputReceiver<PreferencePair> out) {
      for (PairRange batch : spec.rolloutBatches(chunk)) {
        generator.generate(batch).forEach(out::output);
        pairsGenerated.inc(batch.count());
      }
    }

    @Teardown
    public void closeAgents() {
      if (generator != null) {
        generator.close();
      }
    }
  }
}
