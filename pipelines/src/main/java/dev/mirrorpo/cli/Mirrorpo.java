package dev.mirrorpo.cli;

import dev.mirrorpo.envs.MujocoException;
import dev.mirrorpo.learning.NumericEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The `mirrorpo` command line. */
@Command(
    name = "mirrorpo",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Discover preference-optimization objectives on MuJoCo tasks.",
    subcommands = {EnvsCommand.class, AgentsCommand.class, DatasetCommand.class, ObjectivesCommand.class,
        BenchmarkCommand.class, EvolveCommand.class, MlflowCommand.class, ReproducibilityCommand.class})
public final class Mirrorpo implements Runnable {
  /** Exit code of a run that failed on bad input or a failing part; usage errors exit with 2. */
  static final int FAILURE = 1;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    String numerics = NumericEnvironment.problem();
    if (numerics != null) {
      System.err.println("mirrorpo: " + numerics);
      System.exit(FAILURE);
    }
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; tests run it in-process. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Mirrorpo());
    cli.setExecutionExceptionHandler(Mirrorpo::reportFailure);
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * Bad input and failures of a part we depend on are reported as one line naming the problem; a
   * stack trace would bury the message. Anything else is a bug and keeps its stack trace.
   */
  private static int reportFailure(Exception e, CommandLine cli, CommandLine.ParseResult parsed) throws Exception {
    if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
        || e instanceof MujocoException) {
      cli.getErr().println("mirrorpo " + cli.getCommandName() + ": " + e.getMessage());
      return e instanceof IllegalArgumentException ? CommandLine.ExitCode.USAGE : FAILURE;
    }
    throw e;
  }
}
