package dev.mirrorpo.pipelines;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mirrorpo.learning.es.EsState;
import dev.mirrorpo.learning.io.FloatCodec;
import dev.mirrorpo.learning.mpo.MpoConfig;
import dev.mirrorpo.learning.mpo.MpoObjective;

/**
 * best.json: the best MPO objective found so far, enough to rebuild it: the MPO options and ζ (base64
 * float32, the layout of docs/mpo.md), with the fitness it earned and where.
 */
public record BestObjective(
    @JsonProperty("format") String format,
    @JsonProperty("mpo") MpoConfig mpo,
    @JsonProperty("fitness") double fitness,
    @JsonProperty("generation") int generation,
    @JsonProperty("pair_index") int pairIndex,
    @JsonProperty("sign") int sign,
    @JsonProperty("dimension") int dimension,
    @JsonProperty("zeta_base64_float32") String zeta,
    @JsonProperty("zeta_checksum") String checksum) {
  static final String FORMAT = "mirrorpo-mpo-objective";

  static BestObjective of(SearchConfig config, EsState.Best best) {
    return new BestObjective(FORMAT, config.mpo(), best.fitness(), best.generation(), best.pairIndex(), best.sign(),
        best.parameters().length, FloatCodec.encode(best.parameters()), FloatCodec.checksum(best.parameters()));
  }

  /** The objective itself. */
  public MpoObjective objective() {
    return MpoObjective.create(mpo, FloatCodec.decode(zeta, checksum));
  }
}
