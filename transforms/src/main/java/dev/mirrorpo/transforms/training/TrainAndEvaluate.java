package dev.mirrorpo.transforms.training;

import dev.mirrorpo.envs.EpisodeStats;
import dev.mirrorpo.learning.TorchThreads;
import dev.mirrorpo.learning.objectives.Objective;
import dev.mirrorpo.learning.objectives.PopulationObjective;
import dev.mirrorpo.learning.policy.AgentFile;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.policy.PolicyArchitecture;
import dev.mirrorpo.learning.policy.PolicyPopulation;
import dev.mirrorpo.learning.training.OfflineTrainer;
import dev.mirrorpo.learning.training.PairedTrajectories;
import dev.mirrorpo.learning.training.PopulationTrainer;
import dev.mirrorpo.learning.training.TrainingResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The unit of work of the benchmark and of the search: train a policy offline on a dataset with one
 * objective, then evaluate it online with the true reward. Plain Java; the DoFns call it.
 */
public final class TrainAndEvaluate {
  private TrainAndEvaluate() {}

  /**
   * How it went.
   *
   * @param policySha256 the trained policy's {@link GaussianPolicy#weightsSha256 weights digest} (its last
   *     finite weights if training diverged)
   * @param evaluation the trained policy's returns, or null if training diverged
   */
  public record Outcome(TrainingResult training, String policySha256, EpisodeStats evaluation, double trainSeconds,
      double evaluateSeconds) {
    public double meanReturn() {
      return evaluation == null ? Double.NaN : evaluation.meanReturn();
    }

    public double standardError() {
      return evaluation == null ? Double.NaN : evaluation.standardError();
    }
  }

  /** Trains with {@code seed} (initial weights from scratch, minibatch order) and evaluates. */
  public static Outcome run(CellSettings settings, String datasetPath, Objective objective, long seed) {
    TorchThreads.applyToCurrentThread();
    SharedDatasets.Loaded dataset = SharedDatasets.get(datasetPath);
    long trainStart = System.nanoTime();
    try (GaussianPolicy policy = initialPolicy(settings, dataset, seed)) {
      TrainingResult training = new OfflineTrainer(settings.trainer())
          .train(policy, dataset.data(), objective, seed, new OfflineTrainer.Listener() {});
      double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
      long evaluateStart = System.nanoTime();
      EpisodeStats evaluation = training.completed() ? settings.evaluator().evaluate(policy) : null;
      return new Outcome(training, policy.weightsSha256(), evaluation, trainSeconds,
          (System.nanoTime() - evaluateStart) / 1e9);
    }
  }

  /**
   * Trains the members of a population objective together from one start ({@code seed}: initial weights,
   * minibatch order), as one batched program, and evaluates the members that finished together too. Each
   * outcome's training time is the population's divided by its size.
   */
  public static List<Outcome> runPopulation(CellSettings settings, String datasetPath, PopulationObjective objective,
      long seed) {
    TorchThreads.applyToCurrentThread();
    SharedDatasets.Loaded dataset = SharedDatasets.get(datasetPath);
    long trainStart = System.nanoTime();
    try (GaussianPolicy start = initialPolicy(settings, dataset, seed);
        PopulationTrainer.Trained trained = new PopulationTrainer(settings.trainer())
            .train(start, dataset.data(), objective, seed, new PopulationTrainer.Listener() {})) {
      double trainSeconds = (System.nanoTime() - trainStart) / 1e9 / objective.size();
      return evaluateCompleted(settings, trained, trainSeconds);
    }
  }

  /**
   * Evaluates the members whose training completed as one batched program (each scores what it scores alone);
   * each evaluated outcome's evaluation time is the batch's divided by their number.
   */
  private static List<Outcome> evaluateCompleted(CellSettings settings, PopulationTrainer.Trained trained,
      double trainSeconds) {
    List<TrainingResult> results = trained.results();
    int[] completed = IntStream.range(0, results.size()).filter(k -> results.get(k).completed()).toArray();
    EpisodeStats[] evaluations = new EpisodeStats[results.size()];
    long evaluateStart = System.nanoTime();
    if (completed.length > 0) {
      try (PolicyPopulation evaluated = trained.population().select(completed)) {
        EpisodeStats[] stats = settings.evaluator().evaluate(evaluated);
        for (int i = 0; i < completed.length; i++) {
          evaluations[completed[i]] = stats[i];
        }
      }
    }
    double evaluateSeconds = completed.length == 0 ? 0 : (System.nanoTime() - evaluateStart) / 1e9 / completed.length;
    List<Outcome> outcomes = new ArrayList<>();
    for (int k = 0; k < results.size(); k++) {
      try (GaussianPolicy member = trained.population().member(k)) {
        outcomes.add(new Outcome(results.get(k), member.weightsSha256(), evaluations[k], trainSeconds,
            evaluations[k] == null ? 0 : evaluateSeconds));
      }
    }
    return outcomes;
  }

  /**
   * From scratch: fresh weights from the seed, the normaliser fitted on the dataset (the learner sees
   * only the data). From an agent: its weights and its own normaliser.
   */
  static GaussianPolicy initialPolicy(CellSettings settings, SharedDatasets.Loaded dataset, long seed) {
    if (settings.initialAgent() != null) {
      return AgentFile.read(Path.of(settings.initialAgent())).policy();
    }
    PairedTrajectories data = dataset.data();
    try (GaussianPolicy init = GaussianPolicy.initialize(
        PolicyArchitecture.gaussianMlp(data.observationSize(), data.actionSize()), seed)) {
      return GaussianPolicy.of(init.architecture(), init.parameters().values(), dataset.observationStatistics());
    }
  }
}
