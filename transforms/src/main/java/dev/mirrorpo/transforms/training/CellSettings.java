package dev.mirrorpo.transforms.training;

import dev.mirrorpo.envs.Tasks;
import dev.mirrorpo.learning.training.Evaluator;
import dev.mirrorpo.learning.training.TrainerConfig;
import java.io.Serializable;

/**
 * What every cell of a benchmark shares: how to train, where training starts, how to evaluate.
 *
 * @param initialAgent the agent file training starts from, or null to start from scratch (fresh
 *     weights from the cell's seed, with the observation normaliser fitted on the dataset)
 * @param evaluationTask the task the trained policy is scored on
 */
public record CellSettings(TrainerConfig trainer, String initialAgent, String evaluationTask, int episodes,
    long evaluationSeed, int episodeLength) implements Serializable {

  /** The same training, scored on the episodes of another seed (a search's evaluations of its mean). */
  public CellSettings withEvaluationSeed(long seed) {
    return new CellSettings(trainer, initialAgent, evaluationTask, episodes, seed, episodeLength);
  }

  public Evaluator evaluator() {
    return new Evaluator(Tasks.byName(evaluationTask), episodes, evaluationSeed, episodeLength);
  }
}
