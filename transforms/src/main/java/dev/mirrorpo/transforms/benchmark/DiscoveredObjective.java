package dev.mirrorpo.transforms.benchmark;

import dev.mirrorpo.learning.io.FloatCodec;
import dev.mirrorpo.learning.mpo.MpoConfig;
import dev.mirrorpo.learning.mpo.MpoObjective;
import java.io.Serializable;

/**
 * An MPO objective found by a search (its best.json), benchmarked as one more row of the table. Cells
 * carry it whole, so workers need no access to the file and train exactly the ζ whose file was hashed.
 *
 * @param label the row's name in the table, e.g. mpo:hopper-1024-noisy
 * @param file the best.json it was read from, absolute; null for a ζ a search evaluates itself (its ES mean or a
 *     candidate, docs/search.md)
 * @param sha256 SHA-256 of that file (for a search's own ζ, of ζ's bytes): part of each cell's key, so two
 *     different objectives never share results or MLflow runs
 * @param mpo the MPO options ζ belongs to
 * @param zeta ζ as best.json holds it: float32 in base64 ({@link FloatCodec})
 * @param zetaChecksum SHA-256 of ζ's bytes, checked whenever the objective is built
 * @param searchTask the task of the dataset its search trained on, or null if its file predates the record
 */
public record DiscoveredObjective(String label, String file, String sha256, MpoConfig mpo, String zeta,
    String zetaChecksum, String searchTask) implements Serializable {

  /** The objective the cells train. */
  public MpoObjective objective() {
    return MpoObjective.create(mpo, FloatCodec.decode(zeta, zetaChecksum));
  }
}
