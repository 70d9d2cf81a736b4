package dev.mirrorpo.runfiles;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mirrorpo.config.SearchConfig;
import dev.mirrorpo.learning.es.EsState;
import dev.mirrorpo.learning.io.FloatCodec;
import dev.mirrorpo.learning.io.JsonFiles;
import dev.mirrorpo.learning.mpo.MpoConfig;
import dev.mirrorpo.learning.mpo.MpoObjective;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * best.json: the best MPO objective found so far, enough to rebuild it: the MPO options and ζ (base64
 * float32, the layout of docs/mpo.md), with the fitness it earned, where, and the task of the search's dataset
 * ({@code task}; null in files written before it existed).
 *
 * <p>A search's best.json is its best evaluated ES mean ({@code selected_by} {@value #EVALUATED_MEAN}): the mean
 * ζ whose evaluation on the search's own evaluation seeds scored highest, {@code fitness} ± {@code standard_error}
 * over those seeds, {@code evaluation} its per-seed returns, {@code generation} the number of generations finished
 * when it was the mean (the generation whose candidates are drawn around it, 0-based). best-candidate.json, and
 * best.json of searches before evaluated means ({@code selected_by} null, read as {@value #CANDIDATE}), hold the
 * best single candidate instead: the maximum of the noisy candidates' fitness, {@code generation} the generation
 * that scored it (0-based), its {@code pair_index} and {@code sign}, and the weights digest of the policy it
 * trained ({@code policy_sha256}, null in files written before it existed). docs/search.md says why best.json
 * changed. A closed form that `objectives fit` wrote ({@value #CLOSED_FORM}) was never scored: fitness NaN,
 * generation −1.
 */
public record BestObjective(
    @JsonProperty("format") String format,
    @JsonProperty("mpo") MpoConfig mpo,
    @JsonProperty("fitness") double fitness,
    @JsonProperty("generation") int generation,
    @JsonProperty("pair_index") Integer pairIndex,
    @JsonProperty("sign") Integer sign,
    @JsonProperty("dimension") int dimension,
    @JsonProperty("zeta_base64_float32") String zeta,
    @JsonProperty("zeta_checksum") String checksum,
    @JsonProperty("policy_sha256") String policySha256,
    @JsonProperty("task") String task,
    @JsonProperty("selected_by") String selectedBy,
    @JsonProperty("standard_error") Double standardError,
    @JsonProperty("evaluation") MeanEvaluation evaluation) {
  public static final String FORMAT = "mirrorpo-mpo-objective";
  public static final String EVALUATED_MEAN = "evaluated_mean";
  public static final String CANDIDATE = "candidate";
  /** A closed form fitted to a discovered objective (`objectives fit`), never scored by a search. */
  public static final String CLOSED_FORM = "closed_form_fit";
  private static final String WHERE = "a search writes its best objective to RUN_DIR/best.json (mirrorpo evolve"
      + " --out RUN_DIR)";

  /** The best single candidate (best-candidate.json): the noisy maximum. */
  public static BestObjective of(SearchConfig config, EsState.Best best, String policySha256, String task) {
    return new BestObjective(FORMAT, config.mpo().config(), best.fitness(), best.generation(), best.pairIndex(),
        best.sign(), best.parameters().length, FloatCodec.encode(best.parameters()), FloatCodec.checksum(best.parameters()),
        policySha256, task, CANDIDATE, null, null);
  }

  /**
   * The ES mean {@code zeta} with its evaluation (best.json).
   *
   * @throws IllegalArgumentException if the evaluation's rows trained another ζ
   */
  public static BestObjective ofMean(SearchConfig config, float[] zeta, MeanEvaluation evaluation, String task) {
    String checksum = FloatCodec.checksum(zeta);
    if (!checksum.equals(evaluation.zetaChecksum())) {
      throw new IllegalArgumentException("the evaluation after generation " + evaluation.generations()
          + " trained another ζ than the ES mean of that generation; the run directory is damaged");
    }
    return new BestObjective(FORMAT, config.mpo().config(), evaluation.mean(), evaluation.generations(), null, null,
        zeta.length, FloatCodec.encode(zeta), checksum, null, task, EVALUATED_MEAN, evaluation.standardError(),
        evaluation);
  }

  /** Whether this is an evaluated ES mean rather than a single candidate (as every best.json before them). */
  public boolean evaluatedMean() {
    return EVALUATED_MEAN.equals(selectedBy);
  }

  /**
   * Reads a best.json and checks that it rebuilds its objective.
   *
   * @throws IllegalArgumentException naming the file and what to do if it is missing, is not a
   *     mirrorpo-mpo-objective, or its ζ does not fit its MPO options
   */
  public static BestObjective read(Path file) {
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(file + " is a directory; give the best objective in it, "
          + file.resolve(SearchRun.BEST));
    }
    BestObjective best;
    try {
      best = JsonFiles.EVOLVING.readValue(Files.readString(file), BestObjective.class);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": no such file; " + WHERE);
    } catch (IOException e) {
      throw notAnObjective(file, String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
    if (best == null || !FORMAT.equals(best.format())) {
      throw notAnObjective(file, "its format is " + (best == null ? "missing" : best.format()));
    }
    if (best.mpo() == null || best.zeta() == null || best.checksum() == null) {
      throw notAnObjective(file, "it lacks mpo, zeta_base64_float32 or zeta_checksum");
    }
    try {
      best.objective();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage() + "; the file was changed after the search"
          + " wrote it: give the best.json from the search's run directory");
    }
    return best;
  }

  private static IllegalArgumentException notAnObjective(Path file, String why) {
    return new IllegalArgumentException(file + " is not a " + FORMAT + " (" + why + "); " + WHERE);
  }

  /** The objective itself. */
  public MpoObjective objective() {
    return MpoObjective.create(mpo, FloatCodec.decode(zeta, checksum));
  }
}
