package dev.mirrorpo.transforms;

import dev.mirrorpo.learning.es.EsConfig;
import dev.mirrorpo.learning.es.EsState;
import dev.mirrorpo.learning.es.FitnessShaping;
import dev.mirrorpo.learning.es.OpenAiEs;
import dev.mirrorpo.learning.mpo.MpoConfig;
import dev.mirrorpo.learning.mpo.MpoLayout;
import dev.mirrorpo.learning.nn.Adam;

/**
 * An ES generation of one antithetic pair in which candidate + diverges and candidate − trains: the search
 * state's mean ζ is σ·ε in float32 (ε the pair's own noise, so candidate − = ζ − σ·ε is 0 up to that rounding,
 * below 1 in every coordinate: an objective with a finite loss) and σ is so large that candidate + = 2σ·ε
 * makes every loss overflow.
 */
public final class MixedGeneration {
  /** Large enough for 2σ·ε to overflow the loss, small enough for the rounding of σ·ε to stay near 0. */
  public static final double SIGMA = 1e6;

  private MixedGeneration() {}

  public static EsState state(MpoConfig mpo, long seed) {
    EsConfig config = new EsConfig(1, SIGMA, 1, 0, 0.02, FitnessShaping.CENTRED_RANKS, 0, seed);
    OpenAiEs es = new OpenAiEs(config);
    int dimension = MpoLayout.size(mpo);
    float[] noiseTimesSigma = es.candidate(es.initialize(new float[dimension]), 0, 1).parameters();
    return new EsState(config, 0, SIGMA, noiseTimesSigma,
        new Adam.State(new float[dimension], new float[dimension], 0), null, new double[0]);
  }
}
