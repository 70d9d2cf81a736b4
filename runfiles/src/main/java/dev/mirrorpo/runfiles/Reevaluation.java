package dev.mirrorpo.runfiles;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mirrorpo.schemas.BenchmarkResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The end of a search (docs/search.md, "Honest figures"): its best evaluated mean, its best candidates and the
 * baseline, each trained with the same fresh seeds and scored on the same fresh episodes, none of which the search
 * trained, scored or selected with; each against the baseline seed by seed.
 *
 * @param generations the generations the search had finished
 * @param evaluationSeed the seed of the fresh episodes
 * @param entries the best evaluated mean first, then the candidates from the best down, the baseline last
 */
public record Reevaluation(@JsonProperty("generations") int generations,
    @JsonProperty("evaluation_seed") long evaluationSeed, @JsonProperty("entries") List<Entry> entries) {

  /** What an entry is. */
  public enum Role { MEAN, CANDIDATE, BASELINE }

  /**
   * One re-evaluated objective.
   *
   * @param gain against the baseline, null for the baseline itself
   */
  public record Entry(@JsonProperty("role") Role role, @JsonProperty("returns") SeedReturns returns,
      @JsonProperty("paired_gain") SeedReturns.PairedGain gain) {

    /** Its name for people: "best evaluated mean (after generation 4)", "candidate 1 (generation 4, pair 2 +)". */
    public String description() {
      String label = returns.objective();
      return switch (role) {
        case MEAN -> "best evaluated mean (after generation " + label.substring(MEAN_LABEL.length()) + ")";
        case CANDIDATE -> {
          Matcher candidate = candidate(label);
          yield "candidate " + candidate.group(1) + " (generation " + candidate.group(2) + ", pair " + candidate.group(3)
              + " " + candidate.group(4) + ")";
        }
        case BASELINE -> label + " (the known objective)";
      };
    }
  }

  private static final String MEAN_LABEL = "mpo:mean-after-";
  private static final String CANDIDATE_LABEL = "mpo:candidate-";
  /** A candidate's label: rank, generation (1-based), pair, sign. */
  private static final Pattern CANDIDATE = Pattern.compile("mpo:candidate-(\\d+)-g(\\d+)-p(\\d+)([+-])");

  /** The rows' label of the ES mean after {@code generations} generations. */
  public static String meanLabel(int generations) {
    return MEAN_LABEL + generations;
  }

  /**
   * The rows' label of the candidate ranked {@code rank} (1 = the noisy maximum), e.g. mpo:candidate-1-g4-p2+ for
   * generation 4's (1-based, as messages count) pair 2, sign +.
   */
  public static String candidateLabel(int rank, int generation, int pairIndex, int sign) {
    return CANDIDATE_LABEL + rank + "-g" + (generation + 1) + "-p" + pairIndex + (sign > 0 ? "+" : "-");
  }

  static Role role(String label) {
    return label.startsWith(MEAN_LABEL) ? Role.MEAN : label.startsWith(CANDIDATE_LABEL) ? Role.CANDIDATE
        : Role.BASELINE;
  }

  private static int rank(String label) {
    return role(label) == Role.CANDIDATE ? Integer.parseInt(candidate(label).group(1)) : 0;
  }

  private static Matcher candidate(String label) {
    Matcher matcher = CANDIDATE.matcher(label);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("'" + label + "' is not a candidate's label, mpo:candidate-RANK-gG-pP±");
    }
    return matcher;
  }

  /**
   * The figures of the rows read back: one objective per label, the roles told by the labels.
   *
   * @throws IllegalArgumentException unless the rows hold exactly one baseline, trained with the others' seeds
   */
  public static Reevaluation of(int generations, List<BenchmarkResult> rows) {
    List<String> labels = rows.stream().map(row -> row.getAlgorithm().toString()).distinct()
        .sorted(Comparator.comparing(Reevaluation::role).thenComparingInt(Reevaluation::rank)).toList();
    List<String> baselines = labels.stream().filter(label -> role(label) == Role.BASELINE).toList();
    if (baselines.size() != 1) {
      throw new IllegalArgumentException("the re-evaluation after generation " + generations + " holds "
          + baselines.size() + " baselines " + baselines + "; it needs exactly one");
    }
    SeedReturns baseline = SeedReturns.of(baselines.get(0), rows);
    List<Entry> entries = new ArrayList<>();
    for (String label : labels) {
      SeedReturns returns = SeedReturns.of(label, rows);
      entries.add(new Entry(role(label), returns, role(label) == Role.BASELINE ? null : returns.pairedWith(baseline)));
    }
    return new Reevaluation(generations, rows.get(0).getEvaluationSeed(), entries);
  }

  /** The entries of one role, in order. */
  public List<Entry> of(Role role) {
    return entries.stream().filter(entry -> entry.role() == role).toList();
  }
}
