package dev.mirrorpo.runfiles;

import dev.mirrorpo.learning.es.EsState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a search found, as its summary and its MLflow run show it (docs/search.md, "Honest figures"): first the
 * figures nothing was selected on, the end's re-evaluation on fresh seeds with each objective's paired gain over the
 * baseline and the evaluated-mean curve; then the search's own figures, the noisy maximum of its candidates and the
 * baseline on the generations' training seed, labelled as optimistic.
 *
 * @param curve the evaluations of the ES mean, by generation (empty for a search run without them)
 * @param reevaluation the end's re-evaluation, or null if there is none
 * @param bestCandidate the noisy maximum, null if every candidate failed
 * @param bestCandidateStandardError its standard error over its evaluation episodes
 * @param candidatesScored how many candidates the maximum is over
 */
public record SearchFigures(List<MeanEvaluation> curve, Reevaluation reevaluation, EsState.Best bestCandidate,
    double bestCandidateStandardError, int candidatesScored, SearchRun.Baseline baseline) {

  /** The figures of the run directory after {@code state}'s generation. */
  public static SearchFigures of(SearchRun run, EsState state) {
    EsState.Best best = state.best();
    double standardError = best == null ? Double.NaN
        : run.candidate(best.generation(), best.pairIndex(), best.sign()).getStandardError();
    return new SearchFigures(run.meanEvaluations(), run.reevaluation(state.generation()), best, standardError,
        state.generation() * state.config().candidates(), SearchRun.read(run.file(SearchRun.BASELINE),
            SearchRun.Baseline.class));
  }

  /** The summary's lines, each indented by two spaces: the honest figures first, the noisy maximum second. */
  public List<String> lines() {
    List<String> lines = new ArrayList<>();
    if (reevaluation != null) {
      Reevaluation.Entry baselineEntry = reevaluation.of(Reevaluation.Role.BASELINE).get(0);
      lines.add(String.format(Locale.ROOT, "re-evaluated on %d fresh training seeds and fresh episodes (none of which the"
          + " search trained, scored or selected with), paired:", baselineEntry.returns().seeds().size()));
      lines.add(String.format(Locale.ROOT, "%-46s %-20s %s", "objective", "true return ± s.e.", "paired gain over "
          + baseline.algorithm() + " ± s.e."));
      for (Reevaluation.Entry entry : reevaluation.entries()) {
        String value = String.format(Locale.ROOT, "%.1f ± %.1f", entry.returns().mean(), entry.returns().standardError());
        String gain = entry.gain() == null ? "" : String.format(Locale.ROOT, "%+.1f ± %.1f (ahead on %d of %d seeds)",
            entry.gain().gain(), entry.gain().standardError(), entry.gain().ahead(), entry.returns().seeds().size());
        lines.add(String.format(Locale.ROOT, "%-46s %-20s %s", entry.description(), value, gain).stripTrailing());
      }
    }
    if (!curve.isEmpty()) {
      List<String> points = new ArrayList<>();
      curve.forEach(point -> points.add(String.format(Locale.ROOT, "%d: %.1f ± %.1f", point.generations(), point.mean(),
          point.standardError())));
      lines.add(String.format(Locale.ROOT, "evaluated ES mean after generation (%d training seeds and episodes of its"
          + " own; best.json is the best): %s", curve.get(0).returns().seeds().size(), String.join(", ", points)));
    }
    lines.add(String.format(Locale.ROOT, "%-34s %s", "the search's own figures", "true return ± s.e."));
    String noisyMax = "best candidate (noisy max of " + candidatesScored + ")";
    if (bestCandidate == null) {
      lines.add(String.format("%-34s every candidate failed", noisyMax));
    } else {
      lines.add(String.format(Locale.ROOT, "%-34s %.1f ± %.1f (generation %d; the best of %d candidates, so optimistic)",
          noisyMax, bestCandidate.fitness(), bestCandidateStandardError, bestCandidate.generation() + 1,
          candidatesScored));
    }
    lines.add(String.format(Locale.ROOT, "%-34s %.1f ± %.1f (same dataset, training seed and evaluation episodes)",
        baseline.algorithm() + " (the known objective)", baseline.fitness(), baseline.standardError()));
    return lines;
  }
}
