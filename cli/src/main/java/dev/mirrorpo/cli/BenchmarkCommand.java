package dev.mirrorpo.cli;

import dev.mirrorpo.pipelines.BenchmarkPipeline;
import dev.mirrorpo.report.BenchmarkTable;
import dev.mirrorpo.runfiles.Origin;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** `mirrorpo benchmark`: the baseline objectives on preference datasets, as in the paper's Table 2. */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
    description = {"Train every baseline objective offline on preference datasets, evaluate each policy online with"
        + " the true reward, and tabulate mean ± standard error over seeds of the best grid point (Table 2).",
        "--discovered adds MPO objectives found by `mirrorpo evolve` (its best.json), trained and scored the same"
            + " way: with the benchmark's seeds and evaluation episodes, not the search's.",
        "Writes each cell's result as it is evaluated (OUT/results/DATASET/cells/CELL/result.parquet, sealed), then"
            + " OUT/table-TASK.md and .csv, OUT/heatmap-TASK.png and OUT/benchmark.json; one MLflow run per cell and"
            + " one with the table and heat map. Rerunning the same command resumes: only missing cells are trained."})
final class BenchmarkCommand implements Callable<Integer>, PipelineArguments.PipelineCommand {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Unmatched List<String> args = new ArrayList<>();

  @Override
  public Class<BenchmarkPipeline.Options> pipelineOptions() {
    return BenchmarkPipeline.Options.class;
  }

  @Override
  public Integer call() {
    String[] beam = PipelineArguments.toBeam(args, BenchmarkPipeline.Options.class);
    BenchmarkPipeline.Options options = BenchmarkPipeline.options(beam);
    String command = Provenance.command(spec.commandLine().getParseResult().originalArgs());
    BenchmarkPipeline.Summary summary = BenchmarkPipeline.run(options, beam,
        new Origin(command, Provenance.gitCommit(), Provenance.now()), spec.commandLine().getErr());
    Path output = summary.out();

    PrintWriter print = spec.commandLine().getOut();
    for (BenchmarkTable table : summary.tables().values()) {
      print.println();
      print.print(table.markdown());
      print.println();
      print.printf("table:   %s (and .csv)%n", output.resolve("table-" + table.task() + ".md"));
    }
    print.printf("results: %s (%d cells, Parquet)%n", output.resolve("results"), summary.results().size());
    if (summary.mlflowUri() != null) {
      print.printf("MLflow:  %s (experiment %s; %d runs logged now)%n", summary.mlflowUri(),
          String.join(", ", summary.mlflowExperiments()),
          summary.runsLogged());
    }
    return 0;
  }
}
