package dev.mirrorpo.cli;

import dev.mirrorpo.pipelines.SearchPipeline;
import dev.mirrorpo.runfiles.Origin;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** `mirrorpo evolve`: search the MPO family with OpenAI-ES, one Beam pipeline per generation. */
@Command(name = "evolve", mixinStandardHelpOptions = true,
    description = {"Search the MPO family of objectives with OpenAI-ES (docs/design.md §7–§9): each generation trains"
        + " every candidate objective offline and scores it online with the true reward, as one Beam pipeline.",
        "RUN_DIR holds the state after each generation; rerunning the same command (or --resume RUN_DIR) continues"
            + " from the last finished generation. One MLflow run per search, metrics per generation."})
final class EvolveCommand implements Callable<Integer>, PipelineArguments.PipelineCommand {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Unmatched List<String> args = new ArrayList<>();

  @Override
  public Class<SearchPipeline.Options> pipelineOptions() {
    return SearchPipeline.Options.class;
  }

  @Override
  public Integer call() {
    String[] beam = PipelineArguments.toBeam(args, SearchPipeline.Options.class);
    SearchPipeline.Options options = SearchPipeline.options(beam);
    String command = Provenance.command(spec.commandLine().getParseResult().originalArgs());
    SearchPipeline.Summary summary = SearchPipeline.run(options, beam,
        new Origin(command, Provenance.gitCommit(), Provenance.now()), spec.commandLine().getErr());
    Path runDirectory = summary.runDirectory();

    PrintWriter print = spec.commandLine().getOut();
    print.printf(Locale.ROOT, "%nsearch: %d generations of %d candidates in %s%n", summary.state().generation(),
        summary.state().config().candidates(), runDirectory);
    summary.figures().lines().forEach(line -> print.println("  " + line));
    print.printf("  files:  %s (best.json: ζ of the best evaluated mean; reevaluation.json; evaluations.json;"
        + " best-candidate.json; fitness.png; best-landscape.png; generations/*/fitness-*.parquet)%n", runDirectory);
    if (summary.mlflowUri() != null) {
      print.printf("  MLflow: %s (experiment %s, run %s)%n", summary.mlflowUri(), summary.mlflowExperiment(),
          summary.mlflowRunId());
    }
    return 0;
  }
}
