package dev.mirrorpo.config;

import dev.mirrorpo.envs.Tasks;
import dev.mirrorpo.learning.policy.Agent;
import dev.mirrorpo.learning.policy.AgentFile;
import dev.mirrorpo.transforms.training.CellSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a policy is trained and scored: the {@code trainer:}, {@code initial_policy:} and {@code evaluation:} keys
 * that a preset's {@code benchmark:} and {@code search:} sections both have.
 *
 * @param initialPolicy {@value #SCRATCH}, or the agent file training starts from (resolved against the preset)
 */
public record TrainingSettings(TrainerSettings trainer, String initialPolicy, EvaluationSettings evaluation) {
  /** The initial policy of training from scratch. */
  public static final String SCRATCH = "scratch";

  /** The agent training starts from, or null to start from scratch. */
  public Path initialAgent() {
    return initialPolicy.equals(SCRATCH) ? null : Path.of(initialPolicy);
  }

  /** What the workers need to train and score on datasets of {@code task}. */
  public CellSettings cellSettings(String task) {
    return new CellSettings(trainer.config(), initialAgent() == null ? null : initialPolicy, task,
        evaluation.episodes(), evaluation.seed(), evaluation.length());
  }

  /**
   * Checks that training can start from the initial policy on datasets of {@code task}.
   *
   * @param where the config key that named the agent, for the message
   */
  public void requireStartsOn(String task, String where) {
    Path initialAgent = initialAgent();
    if (initialAgent == null) {
      return;
    }
    Agent agent = AgentFile.read(initialAgent);
    try {
      agent.requireCompatible(Tasks.byName(task));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + " " + initialAgent + " does not fit the " + task + " datasets: "
          + e.getMessage());
    } finally {
      agent.policy().close();
    }
  }

  /** The settings as MLflow params: trainer.epochs, ..., initial_policy, evaluation.seed, ... */
  public Map<String, String> params() {
    return PresetMapper.params(this);
  }

  /** The settings as benchmark.json has always recorded them (the trainer's fields in camel case). */
  public Map<String, Object> json() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("trainer", trainer.config());
    json.put("evaluation", Map.of("episodes", evaluation.episodes(), "seed", evaluation.seed(), "length",
        evaluation.length()));
    json.put("initial_policy", initialPolicy);
    return json;
  }
}
