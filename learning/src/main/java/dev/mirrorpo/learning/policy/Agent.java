package dev.mirrorpo.learning.policy;

import dev.mirrorpo.envs.Task;

/**
 * A trained policy with what it is for and where it came from.
 *
 * @param task the task it was trained on
 * @param policy the policy, normaliser frozen
 * @param provenance the command, seed and code version that made it
 * @param evaluation its evaluated return, or null until it is evaluated
 */
public record Agent(String task, GaussianPolicy policy, Provenance provenance, Evaluation evaluation) {

  /**
   * @param command the exact command line that produced the agent
   * @param seed the training seed
   * @param gitCommit the commit of the code that trained it ("unknown" outside a git checkout)
   * @param created ISO-8601 time of writing
   * @param trainingSteps environment steps of training
   */
  public record Provenance(String command, long seed, String gitCommit, String created, long trainingSteps) {}

  /**
   * Mean return ± standard error over {@code episodes} stochastic episodes on {@code env}, with the
   * seed that reproduces it.
   */
  public record Evaluation(String env, int episodes, long seed, double meanReturn, double standardError,
      double meanLength) {}

  public Agent withEvaluation(Evaluation newEvaluation) {
    return new Agent(task, policy, provenance, newEvaluation);
  }

  /**
   * Checks that the agent can act in {@code target}: same observation and action sizes. Ant agents
   * can act in tla and back (same robot); a hopper agent cannot act in ant.
   *
   * @throws IllegalArgumentException naming both tasks otherwise
   */
  public void requireCompatible(Task target) {
    PolicyArchitecture architecture = policy.architecture();
    if (architecture.observationSize() != target.observationSize()
        || architecture.actionSize() != target.actionSize()) {
      throw new IllegalArgumentException("agent trained on " + task + " (observes " + architecture.observationSize()
          + ", acts " + architecture.actionSize() + ") cannot act in task " + target.name() + " (observes "
          + target.observationSize() + ", acts " + target.actionSize() + "); use an agent of " + target.name());
    }
  }
}
