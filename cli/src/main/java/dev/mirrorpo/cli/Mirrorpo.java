package dev.mirrorpo.cli;

import dev.mirrorpo.envs.MujocoException;
import dev.mirrorpo.learning.NumericEnvironment;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The `mirrorpo` command line. */
@Command(
    name = "mirrorpo",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Discover preference-optimization objectives on MuJoCo tasks.",
    subcommands = {EnvsCommand.class, AgentsCommand.class, DatasetCommand.class, ObjectivesCommand.class,
        BenchmarkCommand.class, EvolveCommand.class, SweepCommand.class, MlflowCommand.class,
        ReproducibilityCommand.class})
public final class Mirrorpo implements Runnable {
  /** Exit code of a run that failed on bad input or a failing part; usage errors exit with 2. */
  static final int FAILURE = 1;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
      description = "Print the stack trace of a failure after its one-line message.")
  boolean verbose;

  public static void main(String[] args) {
    String numerics = NumericEnvironment.problem();
    if (numerics != null) {
      System.err.println("mirrorpo: " + numerics);
      System.exit(FAILURE);
    }
    AtomicBoolean ended = new AtomicBoolean();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (!ended.get()) {
        System.err.println("mirrorpo: interrupted; " + Interruption.whatIsKept(args));
      }
    }));
    int exitCode = commandLine().execute(args);
    ended.set(true);
    System.exit(exitCode);
  }

  /** The configured command line; tests run it in-process. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Mirrorpo());
    cli.setExecutionExceptionHandler(Mirrorpo::reportFailure);
    listPipelineOptions(cli);
    return cli;
  }

  /** A pipeline command's options are its pipeline's, so its help ends with them. */
  private static void listPipelineOptions(CommandLine command) {
    if (command.getCommand() instanceof PipelineArguments.PipelineCommand pipeline) {
      command.getCommandSpec().usageMessage().footer(PipelineArguments.help(pipeline.pipelineOptions()));
    }
    command.getSubcommands().values().forEach(Mirrorpo::listPipelineOptions);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * Bad input and failures of a part we depend on are reported as one line naming the problem; a
   * stack trace would bury the message (--verbose adds it). Anything else is a bug and keeps its stack
   * trace.
   */
  private static int reportFailure(Exception e, CommandLine cli, CommandLine.ParseResult parsed) throws Exception {
    if (e instanceof IllegalArgumentException || e instanceof IllegalStateException || e instanceof MujocoException
        || e instanceof UncheckedIOException) {
      cli.getErr().println("mirrorpo " + cli.getCommandName() + ": " + e.getMessage());
      if (Stream.iterate(parsed, Objects::nonNull, CommandLine.ParseResult::subcommand)
          .anyMatch(command -> command.hasMatchedOption("--verbose"))) {
        e.printStackTrace(cli.getErr());
      }
      return e instanceof IllegalArgumentException ? CommandLine.ExitCode.USAGE : FAILURE;
    }
    throw e;
  }
}
