package dev.mirrorpo.cli;

import dev.mirrorpo.pipelines.SweepPipeline;
import dev.mirrorpo.report.SweepReport;
import dev.mirrorpo.runfiles.Origin;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** `mirrorpo sweep`: a matrix of tasks × qualities × seeds × objectives and searches, resumable cell by cell. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
    description = {"Run a sweep file's matrix (docs/sweeps.md): each task's datasets in each quality, every baseline"
        + " objective at each grid point and seed on them, and the MPO searches; one cell (a training and its"
        + " evaluation) is the unit of work and of resume, a search resumes per generation.",
        "A night's results go to OUT/nights/NIGHT (default: today, UTC). Rerunning the same night trains only what"
            + " is missing and says how much that is first. The night's summary (summary.md, summary.csv,"
            + " heatmap-TASK.png) compares every cell with the latest earlier night and flags changes beyond their"
            + " standard errors."})
final class SweepCommand implements Callable<Integer>, PipelineArguments.PipelineCommand {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Unmatched List<String> args = new ArrayList<>();

  @Override
  public Class<SweepPipeline.Options> pipelineOptions() {
    return SweepPipeline.Options.class;
  }

  @Override
  public Integer call() {
    String[] beam = PipelineArguments.toBeam(args, SweepPipeline.Options.class);
    SweepPipeline.Options options = SweepPipeline.options(beam);
    String command = Provenance.command(spec.commandLine().getParseResult().originalArgs());
    SweepPipeline.Summary summary = SweepPipeline.run(options, beam,
        new Origin(command, Provenance.gitCommit(), Provenance.now()), spec.commandLine().getErr());
    if (summary.skipped() != null) {
      return 0; // a scheduled start while the last one still runs: said on stderr, and not a failure
    }
    PrintWriter print = spec.commandLine().getOut();
    SweepReport report = summary.report();
    print.printf("sweep: night %s, %d cells, %d changed beyond their standard errors%n",
        summary.night().getFileName(), report.comparisons().size(), report.flagged().size());
    for (SweepReport.Comparison change : report.flagged()) {
      print.printf("  changed: %s %s → %s%n", change.now().key(), change.previous().meanReturn(),
          change.now().meanReturn());
    }
    print.printf("summary: %s (and summary.csv, heatmap-TASK.png)%n", summary.night().resolve("summary.md"));
    return 0;
  }
}
