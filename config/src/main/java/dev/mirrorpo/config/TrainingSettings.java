package dev.mirrorpo.config;

import dev.mirrorpo.envs.Tasks;
import dev.mirrorpo.learning.policy.Agent;
import dev.mirrorpo.learning.policy.AgentFile;
import dev.mirrorpo.learning.training.Evaluator;
import dev.mirrorpo.learning.training.TrainerConfig;
import dev.mirrorpo.transforms.training.CellSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a policy is trained and scored, shared by the benchmark and the search sections of a preset:
 * {@code trainer:}, {@code evaluation:} and {@code initial_policy:}. Every key is optional; the
 * defaults are the paper's.
 *
 * @param initialAgent the agent training starts from, or null to start from scratch
 */
public record TrainingSettings(TrainerConfig trainer, int episodes, long evaluationSeed, int episodeLength,
    Path initialAgent) {
  public static final long DEFAULT_EVALUATION_SEED = 7;
  static final List<String> KEYS = List.of("trainer", "evaluation", "initial_policy");
  private static final List<String> TRAINER_KEYS = List.of("epochs", "sft_epochs", "minibatch_pairs",
      "learning_rate", "max_grad_norm", "box_half_width");
  private static final List<String> EVALUATION_KEYS = List.of("episodes", "seed", "length");
  private static final String SCRATCH = "scratch";

  /** The paper's trainer, 100 evaluation episodes of up to 1000 steps with seed 7, from scratch. */
  public static TrainingSettings defaults() {
    return new TrainingSettings(TrainerConfig.paper(), Evaluator.PAPER_EPISODES, DEFAULT_EVALUATION_SEED,
        Evaluator.PAPER_LENGTH, null);
  }

  /** Reads the keys of {@link #KEYS} from {@code section} (null: all defaults). */
  static TrainingSettings read(ConfigSection section) {
    TrainingSettings defaults = defaults();
    if (section == null) {
      return defaults;
    }
    TrainerConfig paper = defaults.trainer();
    TrainerConfig trainer = paper;
    if (section.has("trainer")) {
      ConfigSection t = section.section("trainer", TRAINER_KEYS);
      try {
        trainer = new TrainerConfig(
            t.has("epochs") ? Math.toIntExact(t.wholeNumber("epochs")) : paper.epochs(),
            t.has("sft_epochs") ? Math.toIntExact(t.wholeNumber("sft_epochs")) : paper.sftEpochs(),
            t.has("minibatch_pairs") ? Math.toIntExact(t.wholeNumber("minibatch_pairs")) : paper.minibatchPairs(),
            t.has("learning_rate") ? t.number("learning_rate") : paper.learningRate(),
            t.has("max_grad_norm") ? t.number("max_grad_norm") : paper.maxGradNorm(),
            t.has("box_half_width") ? t.number("box_half_width") : paper.boxHalfWidth());
      } catch (IllegalArgumentException e) {
        throw t.problem(e.getMessage());
      }
    }
    int episodes = defaults.episodes();
    long evaluationSeed = defaults.evaluationSeed();
    int length = defaults.episodeLength();
    if (section.has("evaluation")) {
      ConfigSection e = section.section("evaluation", EVALUATION_KEYS);
      episodes = e.has("episodes") ? Math.toIntExact(e.wholeNumber("episodes")) : episodes;
      evaluationSeed = e.has("seed") ? e.wholeNumber("seed") : evaluationSeed;
      length = e.has("length") ? Math.toIntExact(e.wholeNumber("length")) : length;
      if (episodes < 2 || length < 1) {
        throw e.problem("an evaluation needs at least 2 episodes and a length of at least 1");
      }
    }
    Path initialAgent = null;
    if (section.has("initial_policy") && !section.text("initial_policy").equals(SCRATCH)) {
      initialAgent = section.file().toAbsolutePath().getParent().resolve(section.text("initial_policy")).normalize();
    }
    return new TrainingSettings(trainer, episodes, evaluationSeed, length, initialAgent);
  }

  /** What the workers need to train and score on datasets of {@code task}. */
  public CellSettings cellSettings(String task) {
    return new CellSettings(trainer, initialAgent == null ? null : initialAgent.toString(), task, episodes,
        evaluationSeed, episodeLength);
  }

  /**
   * Checks that training can start from the initial policy on datasets of {@code task}.
   *
   * @param where the config key that named the agent, for the message
   */
  public void requireStartsOn(String task, String where) {
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

  /** Flat string parameters for MLflow, e.g. trainer.epochs = 12. */
  public Map<String, String> params() {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("trainer.epochs", Integer.toString(trainer.epochs()));
    params.put("trainer.sft_epochs", Integer.toString(trainer.sftEpochs()));
    params.put("trainer.minibatch_pairs", Integer.toString(trainer.minibatchPairs()));
    params.put("trainer.learning_rate", Double.toString(trainer.learningRate()));
    params.put("trainer.max_grad_norm", Double.toString(trainer.maxGradNorm()));
    params.put("trainer.box_half_width", Double.toString(trainer.boxHalfWidth()));
    params.put("initial_policy", initialPolicyName());
    params.put("evaluation.episodes", Integer.toString(episodes));
    params.put("evaluation.seed", Long.toString(evaluationSeed));
    params.put("evaluation.length", Integer.toString(episodeLength));
    return params;
  }

  /** The settings as JSON-ready values, for summaries. */
  public Map<String, Object> json() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("trainer", trainer);
    json.put("evaluation", Map.of("episodes", episodes, "seed", evaluationSeed, "length", episodeLength));
    json.put("initial_policy", initialPolicyName());
    return json;
  }

  String initialPolicyName() {
    return initialAgent == null ? SCRATCH : initialAgent.toString();
  }
}
