package dev.mirrorpo.cli;

import dev.mirrorpo.learning.es.EsState;
import dev.mirrorpo.pipelines.SearchPipeline;
import dev.mirrorpo.runs.Origin;
import dev.mirrorpo.runs.SearchRun;
import dev.mirrorpo.schemas.CandidateFitness;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** `mirrorpo evolve`: search the MPO family with OpenAI-ES, one Beam pipeline per generation. */
@Command(name = "evolve", mixinStandardHelpOptions = true,
    description = {"Search the MPO family of objectives with OpenAI-ES (docs/design.md §7–§9): each generation trains"
        + " every candidate objective offline and scores it online with the true reward, as one Beam pipeline.",
        "RUN_DIR holds the state after each generation; rerunning the same command (or --resume RUN_DIR) continues"
            + " from the last finished generation. One MLflow run per search, metrics per generation.",
        "Beam options go after the others as --name=value, e.g. --runner=FlinkRunner --flinkMaster=[local]."})
final class EvolveCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Unmatched List<String> beamArgs = new ArrayList<>();

  @Option(names = "--config", required = true, description = "Preset with a search section, e.g. configs/quick.yaml.")
  Path config;

  @Option(names = "--generations", description = "Generations (default: the preset's search.generations).")
  Integer generations;

  @Option(names = "--candidates-per-batch", paramLabel = "B", description = "Candidates a worker trains together as"
      + " one batched program (default: the preset's search.candidates_per_batch, else 4); a speed setting.")
  Integer candidatesPerBatch;

  @Option(names = "--dataset", description = "Dataset directory (default: make the preset's search.quality under"
      + " RUN_DIR/dataset).")
  Path dataset;

  @Option(names = "--out", description = "Run directory (default: runs/searches/PRESET).")
  Path out;

  @Option(names = "--resume", description = "Run directory of a search to continue (same as --out of that search).")
  Path resume;

  @Option(names = "--mlflow-uri", description = "MLflow server (default: MLFLOW_TRACKING_URI, else"
      + " http://127.0.0.1:5000).")
  String mlflowUri;

  @Override
  public Integer call() {
    if (out != null && resume != null && !out.equals(resume)) {
      throw new IllegalArgumentException("--out and --resume name different run directories; give one of them");
    }
    Path runDirectory = resume != null ? resume : out != null ? out
        : Path.of("runs", "searches", config.getFileName().toString().replaceFirst("\\.ya?ml$", ""));
    if (resume != null && !resume.resolve(SearchRun.SEARCH).toFile().exists()) {
      throw new IllegalArgumentException("--resume " + resume + " holds no search (no " + SearchRun.SEARCH + "); use --out to"
          + " start one there");
    }
    String[] beam = BeamArgs.of(beamArgs);
    SearchPipeline.Options options = SearchPipeline.options(beam);
    options.setConfig(config.toString());
    options.setGenerations(generations);
    options.setCandidatesPerBatch(candidatesPerBatch);
    options.setDataset(dataset == null ? null : dataset.toString());
    options.setOut(runDirectory.toString());
    options.setMlflowUri(mlflowUri);
    String command = Provenance.command(spec.commandLine().getParseResult().originalArgs());
    SearchPipeline.Summary summary = SearchPipeline.run(options, beam,
        new Origin(command, Provenance.gitCommit(), Provenance.now()), spec.commandLine().getErr());

    PrintWriter print = spec.commandLine().getOut();
    EsState.Best best = summary.state().best();
    SearchRun.Baseline baseline = summary.baseline();
    print.printf(Locale.ROOT, "%nsearch: %d generations of %d candidates in %s%n", summary.state().generation(),
        summary.state().config().candidates(), runDirectory);
    print.printf(Locale.ROOT, "  %-34s %s%n", "objective", "true return ± s.e.");
    if (best == null) {
      print.printf("  %-34s every candidate failed%n", "best discovered MPO objective");
    } else {
      CandidateFitness row = new SearchRun(runDirectory).candidate(best.generation(), best.pairIndex(), best.sign());
      print.printf(Locale.ROOT, "  %-34s %.1f ± %.1f (generation %d; the best of %d candidates, so optimistic)%n",
          "best discovered MPO objective", best.fitness(), row.getStandardError(), best.generation() + 1,
          summary.state().generation() * summary.state().config().candidates());
    }
    print.printf(Locale.ROOT, "  %-34s %.1f ± %.1f (same dataset, training seed and evaluation episodes)%n",
        baseline.algorithm() + " (the known objective)", baseline.fitness(), baseline.standardError());
    print.printf("  files:  %s (best.json: ζ of the best objective; fitness.png; best-landscape.png;"
        + " generations/*/fitness-*.parquet)%n", runDirectory);
    if (summary.mlflowUri() != null) {
      print.printf("  MLflow: %s (experiment %s, run %s)%n", summary.mlflowUri(), summary.mlflowExperiment(),
          summary.mlflowRunId());
    }
    return 0;
  }
}
