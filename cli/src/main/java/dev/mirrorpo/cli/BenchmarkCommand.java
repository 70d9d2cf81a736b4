package dev.mirrorpo.cli;

import dev.mirrorpo.pipelines.BenchmarkPipeline;
import dev.mirrorpo.report.BenchmarkTable;
import dev.mirrorpo.runs.Origin;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** `mirrorpo benchmark`: the baseline objectives on preference datasets, as in the paper's Table 2. */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
    description = {"Train every baseline objective offline on preference datasets, evaluate each policy online with"
        + " the true reward, and tabulate mean ± standard error over seeds of the best grid point (Table 2).",
        "--discovered adds MPO objectives found by `mirrorpo evolve` (its best.json), trained and scored the same"
            + " way: with the benchmark's seeds and evaluation episodes, not the search's.",
        "Writes OUT/results/DATASET/*.parquet, OUT/table-TASK.md and .csv, OUT/benchmark.json; one MLflow run per"
            + " cell. Rerunning the same command resumes: datasets with results are not trained again.",
        "Beam options go after the others as --name=value, e.g. --runner=FlinkRunner --flinkMaster=[local]."})
final class BenchmarkCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Unmatched List<String> beamArgs = new ArrayList<>();

  @Option(names = "--config", required = true, description = "Preset with a benchmark section, e.g. configs/quick.yaml.")
  Path config;

  @Option(names = "--algos", split = ",", description = "Algorithms (default: the preset's benchmark.algorithms).")
  List<String> algorithms;

  @Option(names = "--datasets", split = ",", description = "Dataset directories (default: make the preset's"
      + " benchmark.qualities under OUT/datasets/).")
  List<Path> datasets;

  @Option(names = "--discovered", split = ",", paramLabel = "FILE", description = "best.json files of MPO searches,"
      + " each trained and scored as a row of its own, mpo:RUN_DIR (NAME.best.json: mpo:NAME) (default: the"
      + " preset's benchmark.discovered).")
  List<Path> discovered;

  @Option(names = "--seeds", description = "Training seeds per grid point (default: the preset's benchmark.seeds).")
  Integer seeds;

  @Option(names = "--out", description = "Output directory (default: runs/benchmarks/PRESET).")
  Path out;

  @Option(names = "--mlflow-uri", description = "MLflow server (default: MLFLOW_TRACKING_URI, else"
      + " http://127.0.0.1:5000).")
  String mlflowUri;

  @Override
  public Integer call() {
    String[] beam = BeamArgs.of(beamArgs);
    BenchmarkPipeline.Options options = BenchmarkPipeline.options(beam);
    options.setConfig(config.toString());
    options.setAlgos(algorithms == null ? null : String.join(",", algorithms));
    options.setDatasets(commaSeparated(datasets));
    options.setDiscovered(commaSeparated(discovered));
    options.setSeeds(seeds);
    Path output = out != null ? out
        : Path.of("runs", "benchmarks", config.getFileName().toString().replaceFirst("\\.ya?ml$", ""));
    options.setOut(output.toString());
    options.setMlflowUri(mlflowUri);
    String command = Provenance.command(spec.commandLine().getParseResult().originalArgs());
    BenchmarkPipeline.Summary summary = BenchmarkPipeline.run(options, beam,
        new Origin(command, Provenance.gitCommit(), Provenance.now()), spec.commandLine().getErr());

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

  /** Paths as a pipeline option takes them; null (not given) stays null. */
  private static String commaSeparated(List<Path> paths) {
    return paths == null ? null : String.join(",", paths.stream().map(Path::toString).toList());
  }
}
