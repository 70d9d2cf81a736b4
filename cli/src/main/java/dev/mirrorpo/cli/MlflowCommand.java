package dev.mirrorpo.cli;

import dev.mirrorpo.tracking.MlflowTracking;
import dev.mirrorpo.tracking.SearchMlflow;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** `mirrorpo mlflow ...`: MLflow as a view of the run directories. */
@Command(name = "mlflow", mixinStandardHelpOptions = true, description = "MLflow tracking of searches.",
    subcommands = {MlflowCommand.Sync.class})
final class MlflowCommand {
  @Command(name = "sync", mixinStandardHelpOptions = true,
      description = "Log into MLflow whatever a search's run directory has and MLflow lacks (idempotent).")
  static final class Sync implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "RUN_DIR", description = "Run directory of a search.")
    Path runDirectory;

    @Option(names = "--mlflow-uri", description = "MLflow server (default: MLFLOW_TRACKING_URI, else"
        + " http://127.0.0.1:5000).")
    String mlflowUri;

    @Override
    public Integer call() {
      String uri = MlflowTracking.resolveUri(mlflowUri);
      int logged = SearchMlflow.syncDirectory(runDirectory, uri, spec.commandLine().getErr());
      spec.commandLine().getOut().printf("%s: %d generations logged now to %s%n", runDirectory, logged, uri);
      return 0;
    }
  }
}
