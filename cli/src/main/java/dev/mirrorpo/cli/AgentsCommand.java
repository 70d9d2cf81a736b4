package dev.mirrorpo.cli;

import dev.mirrorpo.envs.EpisodeStats;
import dev.mirrorpo.envs.Rollouts;
import dev.mirrorpo.envs.Task;
import dev.mirrorpo.envs.Tasks;
import dev.mirrorpo.envs.ThroughputBenchmark;
import dev.mirrorpo.envs.VecEnv;
import dev.mirrorpo.learning.io.Directories;
import dev.mirrorpo.learning.io.JsonLines;
import dev.mirrorpo.learning.policy.Agent;
import dev.mirrorpo.learning.policy.AgentFile;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.ppo.Ppo;
import dev.mirrorpo.learning.ppo.PpoCheckpoint;
import dev.mirrorpo.learning.ppo.PpoConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** `mirrorpo agents ...`: train reference agents with PPO and evaluate agent files. */
@Command(name = "agents", mixinStandardHelpOptions = true,
    description = "Reference agents: train them with PPO, evaluate them.",
    subcommands = AgentsCommand.Train.class)
final class AgentsCommand {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Train an agent with PPO (CleanRL defaults); resumes from its checkpoint.")
  static final class Train implements Callable<Integer> {
    /** PPO's rollout: this many environment steps in all, split over --envs environments. */
    private static final int ROLLOUT_STEPS = 2048;
    private static final int CHECKPOINT_EVERY_ITERATIONS = 10;
    private static final long REPORT_EVERY_NANOS = 2_000_000_000L;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--env", required = true, description = "Task: hopper, ant or tla.")
    String envName;

    @Option(names = "--steps", required = true, description = "Environment steps of training.")
    long steps;

    @Option(names = "--seed", defaultValue = "1", description = "Training seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Agent file to write (*.agent.json).")
    Path out;

    @Option(names = "--envs", defaultValue = "1",
        description = "Environments per rollout; the rollout is 2048 steps in all (default: ${DEFAULT-VALUE}).")
    int envs;

    @Option(names = "--snapshot-every", defaultValue = "0",
        description = "Also write the agent every K steps, beside --out (default: never).")
    long snapshotEvery;

    @Option(names = "--eval-episodes", defaultValue = "100",
        description = "Episodes of the final evaluation recorded in the file (default: ${DEFAULT-VALUE}).")
    int evalEpisodes;

    @Option(names = "--eval-seed", defaultValue = "7",
        description = "Seed of that evaluation (default: ${DEFAULT-VALUE}).")
    long evalSeed;

    @Override
    public Integer call() {
      Task task = Tasks.byName(envName);
      if (!out.toString().endsWith(AgentFile.SUFFIX)) {
        throw new IllegalArgumentException("--out must name an agent file ending in " + AgentFile.SUFFIX + ", got "
            + out);
      }
      if (ROLLOUT_STEPS % envs != 0) {
        throw new IllegalArgumentException("--envs must divide the 2048-step rollout, got " + envs);
      }
      PpoConfig config = PpoConfig.cleanRl(steps).withEnvs(envs, ROLLOUT_STEPS / envs);
      String command = Provenance.command(spec.commandLine().getParseResult().originalArgs());
      Directories.requireWritableFile(out, "--out");
      Path checkpointFile = Path.of(out + ".checkpoint");
      PrintWriter err = spec.commandLine().getErr();
      Ppo ppo;
      if (Files.exists(checkpointFile)) {
        PpoCheckpoint checkpoint = PpoCheckpoint.read(checkpointFile);
        if (!checkpoint.config().equals(config) || checkpoint.seed() != seed) {
          throw new IllegalArgumentException("checkpoint " + checkpointFile + " belongs to another run (seed "
              + checkpoint.seed() + ", " + checkpoint.config() + "); delete it or use another --out");
        }
        ppo = Ppo.resume(task, checkpoint);
        err.printf("resuming %s from step %d (iteration %d of %d)%n", checkpointFile, ppo.globalSteps(),
            ppo.iteration(), config.iterations());
      } else {
        ppo = new Ppo(task, config, seed);
      }
      try (ppo) {
        ppo.train(new TrainingProgress(task, config, checkpointFile, command, ppo.globalSteps(), err));
        Agent agent = agentOf(task, ppo, command, null);
        EpisodeStats stats = evaluate(agent.policy(), task, evalEpisodes, evalSeed);
        AgentFile.write(out, agent.withEvaluation(evaluation(task, evalEpisodes, evalSeed, stats)));
        spec.commandLine().getOut().printf("%s: %s agent after %d steps, return %.1f ± %.1f over %d episodes"
                + " (seed %d)%n", out, task.name(), ppo.globalSteps(), stats.meanReturn(), stats.standardError(),
            evalEpisodes, evalSeed);
      }
      return 0;
    }

    /** After each PPO iteration: the checkpoint, the snapshots asked for, a progress line every few seconds. */
    private final class TrainingProgress implements Ppo.Listener {
      private final Task task;
      private final PpoConfig config;
      private final Path checkpointFile;
      private final String command;
      private final PrintWriter err;
      private final long started = System.nanoTime();
      private long snapshotsWritten;
      private long lastReport;

      TrainingProgress(Task task, PpoConfig config, Path checkpointFile, String command, long stepsDone,
          PrintWriter err) {
        this.task = task;
        this.config = config;
        this.checkpointFile = checkpointFile;
        this.command = command;
        this.err = err;
        this.snapshotsWritten = stepsDone / Math.max(1, snapshotEvery);
      }

      @Override
      public void iterationDone(Ppo run, double stepsPerSecond) {
        if (run.iteration() % CHECKPOINT_EVERY_ITERATIONS == 0 || run.finished()) {
          run.saveCheckpoint(checkpointFile);
        }
        if (snapshotEvery > 0 && run.globalSteps() / snapshotEvery > snapshotsWritten) {
          snapshotsWritten = run.globalSteps() / snapshotEvery;
          AgentFile.write(snapshotPath(out, run.globalSteps()), agentOf(task, run, command, null));
        }
        long now = System.nanoTime();
        if (now - lastReport > REPORT_EVERY_NANOS || run.finished()) {
          lastReport = now;
          double elapsed = (now - started) / 1e9;
          double remaining = (config.totalSteps() - run.globalSteps()) / Math.max(1, stepsPerSecond);
          err.printf("ppo %s seed %d: %d/%d steps (%.1f%%) | %d episodes | return (last 20) %.1f | %.0f steps/s"
                  + " | %s elapsed, ETA %s%n",
              task.name(), seed, run.globalSteps(), config.totalSteps(),
              100.0 * run.globalSteps() / config.totalSteps(), run.episodesFinished(), run.recentMeanReturn(),
              stepsPerSecond, duration(elapsed), duration(Math.max(0, remaining)));
          err.flush();
        }
      }
    }
  }

  @Command(name = "eval", description = "Evaluate an agent file: mean return, standard error, mean length.")
  int eval(
      @Parameters(paramLabel = "FILE", description = "Agent file.") Path file,
      @Option(names = "--env", description = "Task to evaluate on (default: the agent's own).") String envName,
      @Option(names = "--episodes", defaultValue = "100", description = "Episodes (default: ${DEFAULT-VALUE}).") int episodes,
      @Option(names = "--seed", defaultValue = "7", description = "Evaluation seed (default: ${DEFAULT-VALUE}).") long seed,
      @Option(names = "--record", description = "Store this evaluation in the agent file (it must be on the agent's task).")
          boolean record,
      @Option(names = "--json", description = "Print one JSON line.") boolean json) {
    Agent agent = AgentFile.read(file);
    try (GaussianPolicy policy = agent.policy()) {
      Task task = Tasks.byName(envName == null ? agent.task() : envName);
      agent.requireCompatible(task);
      EpisodeStats stats = evaluate(policy, task, episodes, seed);
      if (record) {
        if (!task.name().equals(agent.task())) {
          throw new IllegalArgumentException("--record stores evaluations on the agent's own task (" + agent.task()
              + "), not on " + task.name());
        }
        AgentFile.write(file, agent.withEvaluation(evaluation(task, episodes, seed, stats)));
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("agent", file.toString());
        fields.put("agent_task", agent.task());
        fields.put("env", task.name());
        fields.put("episodes", stats.episodes());
        fields.put("seed", seed);
        JsonLines.putStatistics(fields, stats);
        out.println(JsonLines.line(fields));
      } else {
        out.printf("%s (trained on %s) on %s: return %.1f ± %.1f (standard error) over %d episodes (seed %d),"
                + " mean length %.1f%n", file, agent.task(), task.name(), stats.meanReturn(), stats.standardError(),
            stats.episodes(), seed, stats.meanLength());
      }
    }
    return 0;
  }

  @Command(name = "bench",
      description = "PPO training throughput (environment steps/s, updates included) against random play alone.")
  int bench(
      @Option(names = "--env", defaultValue = "hopper", description = "Task (default: ${DEFAULT-VALUE}).") String envName,
      @Option(names = "--steps", defaultValue = "20480", description = "Training steps measured (default: ${DEFAULT-VALUE}).")
          long steps,
      @Option(names = "--json", description = "Print one JSON line.") boolean json) {
    Task task = Tasks.byName(envName);
    PpoConfig config = PpoConfig.cleanRl(steps);
    double ppoStepsPerSecond;
    try (Ppo ppo = new Ppo(task, config, 0)) {
      ppo.train(new Ppo.Listener() {}); // the first iteration also warms the JIT and PyTorch
      long start = System.nanoTime();
      try (Ppo measured = new Ppo(task, config, 1)) {
        measured.train(new Ppo.Listener() {});
        ppoStepsPerSecond = measured.globalSteps() / ((System.nanoTime() - start) / 1e9);
      }
    }
    double envStepsPerSecond = ThroughputBenchmark.episodicStepsPerSecond(task, config.numEnvs(), 2.0, 0);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("benchmark", "ppo_training_throughput");
      fields.put("env", task.name());
      fields.put("envs", config.numEnvs());
      fields.put("steps", steps);
      fields.put("ppo_steps_per_s", Math.round(ppoStepsPerSecond));
      fields.put("random_play_steps_per_s", Math.round(envStepsPerSecond));
      fields.put("ratio", Math.round(ppoStepsPerSecond / envStepsPerSecond * 1000) / 1000.0);
      out.println(JsonLines.line(fields));
    } else {
      out.printf("%s: PPO trains at %.0f environment steps/s; random play alone runs at %.0f (ratio %.3f)%n",
          task.name(), ppoStepsPerSecond, envStepsPerSecond, ppoStepsPerSecond / envStepsPerSecond);
    }
    return 0;
  }

  static EpisodeStats evaluate(GaussianPolicy policy, Task task, int episodes, long seed) {
    return Rollouts.evaluate(task, policy.sampler(), episodes, seed, VecEnv.DEFAULT_MAX_EPISODE_STEPS);
  }

  private static Agent.Evaluation evaluation(Task task, int episodes, long seed, EpisodeStats stats) {
    return new Agent.Evaluation(task.name(), episodes, seed, stats.meanReturn(), stats.standardError(),
        stats.meanLength());
  }

  private static Agent agentOf(Task task, Ppo run, String command, Agent.Evaluation evaluation) {
    return new Agent(task.name(), run.policy(),
        new Agent.Provenance(command, run.seed(), Provenance.gitCommit(), Provenance.now(), run.globalSteps()),
        evaluation);
  }

  static Path snapshotPath(Path out, long steps) {
    String name = out.getFileName().toString();
    String stem = name.substring(0, name.length() - AgentFile.SUFFIX.length());
    return out.resolveSibling(String.format("%s.step-%09d%s", stem, steps, AgentFile.SUFFIX));
  }

  private static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60) : String.format("%dm%02ds", s / 60, s % 60);
  }
}
