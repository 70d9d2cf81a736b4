package dev.mirrorpo.bench;

import dev.mirrorpo.config.DatasetConfig;
import dev.mirrorpo.config.Preset;
import dev.mirrorpo.config.SearchConfig;
import dev.mirrorpo.config.TrainingSettings;
import dev.mirrorpo.envs.BatchPolicy;
import dev.mirrorpo.envs.EpisodeStats;
import dev.mirrorpo.envs.PolicyFactory;
import dev.mirrorpo.envs.Rollouts;
import dev.mirrorpo.learning.io.JsonLines;
import dev.mirrorpo.learning.mpo.MpoPopulation;
import dev.mirrorpo.learning.policy.AgentFile;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.policy.PolicyPopulation;
import dev.mirrorpo.learning.training.Evaluator;
import dev.mirrorpo.learning.training.PairedTrajectories;
import dev.mirrorpo.learning.training.PopulationTrainer;
import dev.mirrorpo.learning.training.TrainingResult;
import dev.mirrorpo.transforms.datasets.PairedTrajectoriesReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one ES candidate of a preset's search costs on one core (`mirrorpo objectives bench-evaluation`): K
 * MPO candidates (ζ₀ + 0.03·ε) trained as one batched program on a dataset, usually a prefix of the
 * preset's, then evaluated on the preset's episodes one at a time and as one batched program (their
 * episodes side by side, one policy forward pass per step), in alternating rounds, with the time each spends
 * in the policy (the rest is physics). Training is timed like {@link PopulationThroughput}'s and scaled to the
 * preset's dataset and epochs; evaluation is measured whole. The two evaluations must agree bit for bit, or the
 * bench stops.
 */
public final class CandidateCostBench {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /**
   * @param config the preset whose search to cost
   * @param dataset a dataset of the preset's task, usually its first pairs
   * @param members candidates trained and evaluated together (the search's batch)
   * @param epochs epochs trained on the dataset, the first untimed
   * @param rounds alternating rounds of the two evaluations; medians are reported
   */
  public record Settings(Path config, Path dataset, int members, int epochs, int rounds) {
    public Settings {
      if (members < 1 || epochs < 2 || rounds < 1) {
        throw new IllegalArgumentException("--members and --rounds must be at least 1 and --epochs at least 2 (the"
            + " first is not timed)");
      }
    }
  }

  private final Settings bench;
  private final boolean json;
  private final PrintWriter out;

  private CandidateCostBench(Settings bench, boolean json, PrintWriter out) {
    this.bench = bench;
    this.json = json;
    this.out = out;
  }

  /** Measures and prints one line, or two JSON lines: evaluation_throughput and candidate_cost. */
  public static void run(Settings settings, boolean json, PrintWriter out) {
    new CandidateCostBench(settings, json, out).run();
  }

  /** Candidate trajectory-steps per second of the batched training, and the CPU-seconds per second it got. */
  private record Training(double candidateStepsPerSecond, double cpuPerWall) {}

  /**
   * Medians over the rounds, per candidate: wall and CPU seconds of each evaluation and the CPU seconds it spent
   * choosing actions (the policy; the rest is physics); the episodes' mean length.
   */
  private record Evaluations(double aloneSeconds, double batchedSeconds, double aloneCpuSeconds,
      double batchedCpuSeconds, double alonePolicySeconds, double batchedPolicySeconds, double meanLength) {}

  private void run() {
    String loadBefore = loadAverage();
    Preset loaded = Preset.load(bench.config());
    DatasetConfig preset = loaded.dataset();
    SearchConfig search = loaded.search();
    TrainingSettings settings = search.training();
    PairedTrajectories data = PairedTrajectoriesReader.read(TrainerBench.datasetFiles(bench.dataset()));
    if (!data.task().equals(preset.task()) || data.pairs() > preset.pairs()) {
      throw new IllegalArgumentException("--dataset " + bench.dataset() + " has " + data.pairs() + " pairs of "
          + data.task() + "; the preset " + bench.config() + " makes " + preset.pairs() + " of " + preset.task());
    }
    Evaluator evaluator = settings.cellSettings(preset.task()).evaluator();
    long[] wall = new long[bench.epochs() + 1];
    long[] cpu = new long[bench.epochs() + 1];
    Evaluations evaluations;
    try (GaussianPolicy initial = settings.initialAgent() == null ? BenchStart.of(data).policy()
            : AgentFile.read(settings.initialAgent()).policy();
        PopulationTrainer.Trained trained = new PopulationTrainer(BenchStart.timedPaperTrainer(bench.epochs() - 1))
            .train(initial, data, MpoPopulation.of(new PopulationThroughput(data, search.mpo().config())
                .candidates(bench.members())), BenchStart.SHUFFLE_SEED, new PopulationTrainer.Listener() {
                  @Override
                  public void epochDone(int epoch, int total, double[] meanLosses) {
                    wall[epoch] = System.nanoTime();
                    cpu[epoch] = TrainerThroughput.processCpuNanos();
                  }
                })) {
      for (TrainingResult result : trained.results()) {
        if (!result.completed()) {
          throw new IllegalStateException("the benchmark's training stopped: " + result.message());
        }
      }
      evaluations = evaluate(evaluator, trained.population());
    }
    double trainedSeconds = (wall[bench.epochs()] - wall[1]) / 1e9;
    Training training = new Training(
        (double) bench.members() * (bench.epochs() - 1) * BenchStart.stepsPerEpoch(data) / trainedSeconds,
        (cpu[bench.epochs()] - cpu[1]) / 1e9 / trainedSeconds);
    print(preset, settings, data, training, evaluations, loadBefore, loadAverage());
  }

  /** Both evaluations of the trained candidates in alternating rounds, checked to agree bit for bit. */
  private Evaluations evaluate(Evaluator evaluator, PolicyPopulation population) {
    double[] alone = new double[bench.rounds()];
    double[] batched = new double[bench.rounds()];
    double[] aloneCpu = new double[bench.rounds()];
    double[] batchedCpu = new double[bench.rounds()];
    double[] alonePolicy = new double[bench.rounds()];
    double[] batchedPolicy = new double[bench.rounds()];
    double meanLength = 0;
    for (int r = 0; r < bench.rounds(); r++) {
      EpisodeStats[] oneAtATime = new EpisodeStats[bench.members()];
      EpisodeStats[] together = null;
      // Alternate which goes first so that a slow phase of a noisy machine hits both alike.
      for (boolean batchedTurn : r % 2 == 0 ? new boolean[] {true, false} : new boolean[] {false, true}) {
        PolicyClock clock = new PolicyClock();
        long cpuStart = TrainerThroughput.processCpuNanos();
        long wallStart = System.nanoTime();
        if (batchedTurn) {
          together = timedEvaluation(evaluator, population, clock);
        } else {
          for (int k = 0; k < bench.members(); k++) {
            try (PolicyPopulation member = population.select(k)) {
              oneAtATime[k] = timedEvaluation(evaluator, member, clock)[0];
            }
          }
        }
        (batchedTurn ? batched : alone)[r] = (System.nanoTime() - wallStart) / 1e9 / bench.members();
        (batchedTurn ? batchedCpu : aloneCpu)[r] =
            (TrainerThroughput.processCpuNanos() - cpuStart) / 1e9 / bench.members();
        (batchedTurn ? batchedPolicy : alonePolicy)[r] = clock.nanos / 1e9 / bench.members();
      }
      meanLength = 0;
      for (int k = 0; k < bench.members(); k++) {
        if (!oneAtATime[k].equals(together[k])) {
          throw new IllegalStateException("candidate " + k + " scored " + together[k] + " batched but "
              + oneAtATime[k] + " alone; batched evaluation must not change a candidate's fitness");
        }
        meanLength += oneAtATime[k].meanLength() / bench.members();
      }
    }
    return new Evaluations(TrainerBench.median(alone), TrainerBench.median(batched),
        TrainerBench.median(aloneCpu), TrainerBench.median(batchedCpu), TrainerBench.median(alonePolicy),
        TrainerBench.median(batchedPolicy), meanLength);
  }

  /**
   * {@link Evaluator#evaluate(PolicyPopulation)} (of one member: what evaluating that member alone does), with
   * the CPU time spent in the policy added to {@code clock}.
   */
  private static EpisodeStats[] timedEvaluation(Evaluator evaluator, PolicyPopulation population, PolicyClock clock) {
    return Rollouts.evaluate(evaluator.task(), clock.timed(population.sampler()), population.size(),
        evaluator.episodes(), evaluator.seed(), evaluator.length());
  }

  /** The CPU time a thread spends choosing actions, over every policy it times. */
  private static final class PolicyClock {
    private long nanos;

    PolicyFactory timed(PolicyFactory sampler) {
      return episodeSeeds -> {
        BatchPolicy policy = sampler.create(episodeSeeds);
        return (observations, running) -> {
          // The thread's own CPU time: under load, wall time would count the spells it waits for a core.
          long start = THREADS.getCurrentThreadCpuTime();
          float[] actions = policy.act(observations, running);
          nanos += THREADS.getCurrentThreadCpuTime() - start;
          return actions;
        };
      };
    }
  }

  private void print(DatasetConfig preset, TrainingSettings settings, PairedTrajectories data, Training training,
      Evaluations evaluations, String loadBefore, String loadAfter) {
    // The preset's dataset is taken to have the measured one's mean trajectory length (its pairs are drawn alike).
    double presetStepsPerEpoch = (double) BenchStart.stepsPerEpoch(data) * preset.pairs() / data.pairs();
    int presetEpochs = settings.trainer().epochs();
    double trainingSeconds = presetEpochs * presetStepsPerEpoch / training.candidateStepsPerSecond();
    // The cores are shared: CPU-seconds say what a candidate costs a core of its own, and compare fairly two
    // measurements that met different loads.
    double trainingCpuSeconds = trainingSeconds * training.cpuPerWall();
    double share = evaluations.batchedCpuSeconds() / (trainingCpuSeconds + evaluations.batchedCpuSeconds());
    if (!json) {
      out.printf("%s, %d episodes: %.2f s of evaluation per candidate batched (K = %d) against %.2f s one at a time;"
          + " a candidate of %d pairs costs about %.0f s (%.0f s training, scaled from %d pairs), evaluation %.1f%%"
          + " of its CPU time%n", preset.task(), settings.evaluation().episodes(), evaluations.batchedSeconds(),
          bench.members(), evaluations.aloneSeconds(), preset.pairs(), trainingSeconds + evaluations.batchedSeconds(),
          trainingSeconds, data.pairs(), 100 * share);
      return;
    }
    Map<String, Object> evaluation = fields("evaluation_throughput", preset, data);
    evaluation.put("episodes", settings.evaluation().episodes());
    evaluation.put("episode_limit", settings.evaluation().length());
    evaluation.put("evaluated", bench.members() + " MPO candidates (ζ₀ + 0.03·ε) trained " + bench.epochs()
        + " epochs on it");
    evaluation.put("mean_episode_length", TrainerBench.round(evaluations.meanLength(), 1));
    evaluation.put("one_at_a_time_seconds_per_candidate", TrainerBench.round(evaluations.aloneSeconds(), 3));
    evaluation.put("batched_seconds_per_candidate", TrainerBench.round(evaluations.batchedSeconds(), 3));
    evaluation.put("batched_speedup",
        TrainerBench.round(evaluations.aloneSeconds() / evaluations.batchedSeconds(), 3));
    evaluation.put("one_at_a_time_cpu_seconds_per_candidate",
        TrainerBench.round(evaluations.aloneCpuSeconds(), 3));
    evaluation.put("batched_cpu_seconds_per_candidate", TrainerBench.round(evaluations.batchedCpuSeconds(), 3));
    evaluation.put("batched_speedup_per_cpu_second",
        TrainerBench.round(evaluations.aloneCpuSeconds() / evaluations.batchedCpuSeconds(), 3));
    // Microseconds: a small candidate's batched policy forwards take well under a millisecond of CPU.
    evaluation.put("one_at_a_time_policy_cpu_seconds_per_candidate",
        TrainerBench.round(evaluations.alonePolicySeconds(), 6));
    evaluation.put("batched_policy_cpu_seconds_per_candidate",
        TrainerBench.round(evaluations.batchedPolicySeconds(), 6));
    evaluation.put("batched_policy_share_of_evaluation",
        TrainerBench.round(evaluations.batchedPolicySeconds() / evaluations.batchedCpuSeconds(), 4));
    evaluation.put("identical_to_one_at_a_time", true);
    evaluation.put("one_at_a_time_share_of_candidate", TrainerBench.round(
        evaluations.aloneCpuSeconds() / (trainingCpuSeconds + evaluations.aloneCpuSeconds()), 4));
    evaluation.put("batched_share_of_candidate", TrainerBench.round(share, 4));
    evaluation.put("rounds", bench.rounds());
    evaluation.put("loadavg_start", loadBefore);
    evaluation.put("loadavg_end", loadAfter);
    out.println(JsonLines.line(evaluation));

    Map<String, Object> cost = fields("candidate_cost", preset, data);
    cost.put("preset_pairs", preset.pairs());
    cost.put("scaled", true);
    cost.put("scaling", "training: candidate steps/s of " + bench.members() + " candidates batched over epochs 2–"
        + bench.epochs() + " on the dataset's " + data.pairs() + " pairs, times " + presetEpochs + " epochs of "
        + preset.pairs()
        + " pairs of the dataset's mean length; evaluation: measured whole, batched");
    cost.put("training_candidate_steps_per_s", Math.round(training.candidateStepsPerSecond()));
    cost.put("training_cpu_per_wall", TrainerBench.round(training.cpuPerWall(), 2));
    cost.put("preset_dataset_steps", Math.round(presetStepsPerEpoch));
    cost.put("training_seconds_per_candidate", TrainerBench.round(trainingSeconds, 3));
    cost.put("evaluation_seconds_per_candidate", TrainerBench.round(evaluations.batchedSeconds(), 3));
    cost.put("seconds_per_candidate", TrainerBench.round(trainingSeconds + evaluations.batchedSeconds(), 3));
    cost.put("training_cpu_seconds_per_candidate", TrainerBench.round(trainingCpuSeconds, 3));
    cost.put("evaluation_cpu_seconds_per_candidate", TrainerBench.round(evaluations.batchedCpuSeconds(), 3));
    cost.put("cpu_seconds_per_candidate",
        TrainerBench.round(trainingCpuSeconds + evaluations.batchedCpuSeconds(), 3));
    cost.put("evaluation_share", TrainerBench.round(share, 4));
    cost.put("loadavg_start", loadBefore);
    cost.put("loadavg_end", loadAfter);
    out.println(JsonLines.line(cost));
  }

  private Map<String, Object> fields(String benchmark, DatasetConfig preset, PairedTrajectories data) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("bench", "candidate");
    fields.put("benchmark", benchmark);
    fields.put("task", preset.task());
    fields.put("config", bench.config().toString());
    fields.put("dataset", bench.dataset().toString());
    fields.put("pairs", data.pairs());
    fields.put("dataset_steps", BenchStart.stepsPerEpoch(data));
    fields.put("members", bench.members());
    return fields;
  }

  /** The machine's load when a figure was taken: the cores are shared, so every figure says how busy they were. */
  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/loadavg", e);
    }
  }
}
