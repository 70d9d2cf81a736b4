package dev.mirrorpo.config;

import dev.mirrorpo.learning.training.Evaluator;

/**
 * The {@code evaluation:} section of a preset's {@code benchmark:} and {@code search:} sections: how each trained
 * policy is scored with the true reward; evaluation.* in the params. Every key is optional; the defaults are
 * the paper's.
 *
 * @param episodes episodes per policy, at least 2 (default 100)
 * @param seed the evaluation seed: every policy of a run is scored on the same episodes (default 7)
 * @param length episode step limit (default 1000)
 */
public record EvaluationSettings(Integer episodes, Long seed, Integer length) {
  private static final long DEFAULT_SEED = 7;

  public EvaluationSettings {
    episodes = episodes == null ? Evaluator.PAPER_EPISODES : episodes;
    seed = seed == null ? DEFAULT_SEED : seed;
    length = length == null ? Evaluator.PAPER_LENGTH : length;
    if (episodes < 2 || length < 1) {
      throw new IllegalArgumentException("an evaluation needs at least 2 episodes and a length of at least 1");
    }
  }

  /** The paper's evaluation: 100 episodes of up to 1000 steps with seed 7. */
  static EvaluationSettings paper() {
    return new EvaluationSettings(null, null, null);
  }
}
