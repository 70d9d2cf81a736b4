package dev.mirrorpo.cli;

import dev.mirrorpo.envs.EpisodeStats;
import dev.mirrorpo.envs.MujocoModel;
import dev.mirrorpo.envs.MujocoTestspeed;
import dev.mirrorpo.envs.Rollouts;
import dev.mirrorpo.envs.Task;
import dev.mirrorpo.envs.Tasks;
import dev.mirrorpo.envs.ThroughputBenchmark;
import dev.mirrorpo.learning.io.JsonLines;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** `mirrorpo envs ...`: the MuJoCo tasks, rollouts of simple policies, and the physics benchmark. */
@Command(
    name = "envs",
    mixinStandardHelpOptions = true,
    description = "The MuJoCo tasks: list them, roll out a policy, benchmark the physics.")
final class EnvsCommand {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Command(name = "list", description = "List the tasks with their sizes.")
  int list(@Option(names = "--json", description = "One JSON line per task.") boolean json) {
    PrintWriter out = spec.commandLine().getOut();
    for (Task task : Tasks.all()) {
      if (json) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("env", task.name());
        fields.put("observation_size", task.observationSize());
        fields.put("action_size", task.actionSize());
        fields.put("frame_skip", task.frameSkip());
        fields.put("reward_terms", task.rewardTermNames());
        fields.put("description", task.description());
        out.println(JsonLines.line(fields));
      } else {
        out.printf("%-8s %s%n", task.name(), task.description());
      }
    }
    return 0;
  }

  @Command(name = "rollout", description = "Play episodes of a policy and report the mean return.")
  int rollout(
      @Option(names = "--env", required = true, description = "Task: hopper, ant or tla.") String envName,
      @Option(names = "--policy", defaultValue = "random", description = "random, zero or an agent file (default: ${DEFAULT-VALUE}).")
          String policyName,
      @Option(names = "--episodes", defaultValue = "10", description = "Episodes (default: ${DEFAULT-VALUE}).")
          int episodes,
      @Option(names = "--seed", defaultValue = "0", description = "Seed of start states and actions (default: ${DEFAULT-VALUE}).")
          long seed,
      @Option(names = "--length", defaultValue = "1000", description = "Episode step limit (default: ${DEFAULT-VALUE}).")
          int length,
      @Option(names = "--json", description = "Print one JSON line.") boolean json) {
    Task task = Tasks.byName(envName);
    EpisodeStats stats = Rollouts.evaluate(task, Policies.resolve(policyName, task), episodes, seed, length);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("env", task.name());
      fields.put("policy", policyName);
      fields.put("episodes", stats.episodes());
      fields.put("seed", seed);
      fields.put("max_length", length);
      JsonLines.putStatistics(fields, stats);
      out.println(JsonLines.line(fields));
    } else {
      out.printf("%s, %s policy, %d episodes (seed %d): return %.2f ± %.2f (standard error), mean length %.1f steps%s%n",
          task.name(), policyName, stats.episodes(), seed, stats.meanReturn(), stats.standardError(),
          stats.meanLength(), stats.unstableEpisodes() > 0 ? ", " + stats.unstableEpisodes() + " unstable" : "");
    }
    return 0;
  }

  @Command(name = "bench",
      description = "Physics steps per second through the batched Java API, against mujoco-testspeed on the same model.")
  int bench(
      @Option(names = "--env", required = true, description = "Task: hopper, ant or tla.") String envName,
      @Option(names = "--envs", defaultValue = "16", description = "Environments per batch (default: ${DEFAULT-VALUE}).")
          int numEnvs,
      @Option(names = "--seconds", defaultValue = "2", description = "Seconds per measurement (default: ${DEFAULT-VALUE}).")
          double seconds,
      @Option(names = "--rounds", defaultValue = "3",
          description = "Alternating rounds of both measurements; medians are reported (default: ${DEFAULT-VALUE}).")
          int rounds,
      @Option(names = "--json", description = "Print one JSON line.") boolean json) {
    Task task = Tasks.byName(envName);
    if (numEnvs < 1 || seconds <= 0 || rounds < 1) {
      throw new IllegalArgumentException("--envs and --rounds must be at least 1 and --seconds positive");
    }
    double[] java = new double[rounds];
    double[] reference = new double[rounds];
    // Alternate the two so that a slow phase of a noisy machine hits both alike.
    for (int r = 0; r < rounds; r++) {
      reference[r] = MujocoTestspeed.stepsPerSecond(task, seconds);
      java[r] = ThroughputBenchmark.physicsStepsPerSecond(task, numEnvs, seconds, r);
    }
    double javaMedian = median(java);
    double referenceMedian = median(reference);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("benchmark", "env_physics_throughput");
      fields.put("env", task.name());
      fields.put("envs", numEnvs);
      fields.put("java_steps_per_s", Math.round(javaMedian));
      fields.put("testspeed_steps_per_s", Math.round(referenceMedian));
      fields.put("ratio", Math.round(javaMedian / referenceMedian * 1000) / 1000.0);
      fields.put("rounds", rounds);
      fields.put("seconds_per_measurement", seconds);
      fields.put("mujoco", MujocoModel.mujocoVersion());
      out.println(JsonLines.line(fields));
    } else {
      out.printf("%s: %.0f physics steps/s through VecEnv (%d envs) vs %.0f in mujoco-testspeed: ratio %.3f%n",
          task.name(), javaMedian, numEnvs, referenceMedian, javaMedian / referenceMedian);
    }
    return 0;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
