package dev.mirrorpo.learning.ppo;

/**
 * PPO hyper-parameters. {@link #cleanRl} gives CleanRL's ppo_continuous_action defaults (docs/agents.md).
 *
 * @param totalSteps environment steps of training
 * @param numEnvs environments stepped together
 * @param stepsPerEnv rollout length per environment; one batch is numEnvs × stepsPerEnv
 * @param learningRate Adam's initial learning rate
 * @param annealLearningRate decay the learning rate linearly to 0 over training
 * @param gamma discount
 * @param gaeLambda GAE λ
 * @param minibatches minibatches per epoch
 * @param epochs passes over each batch
 * @param clip ratio clip ε (also the value clip)
 * @param valueCoefficient weight of the value loss
 * @param entropyCoefficient weight of the entropy bonus
 * @param maxGradNorm global gradient-norm clip
 * @param maxEpisodeSteps episode step limit
 */
public record PpoConfig(
    long totalSteps,
    int numEnvs,
    int stepsPerEnv,
    double learningRate,
    boolean annealLearningRate,
    double gamma,
    double gaeLambda,
    int minibatches,
    int epochs,
    double clip,
    double valueCoefficient,
    double entropyCoefficient,
    double maxGradNorm,
    int maxEpisodeSteps) {

  public PpoConfig {
    if (totalSteps < 1 || numEnvs < 1 || stepsPerEnv < 1 || minibatches < 1 || epochs < 1) {
      throw new IllegalArgumentException("PPO sizes must be positive: total steps " + totalSteps + ", envs "
          + numEnvs + ", steps per env " + stepsPerEnv + ", minibatches " + minibatches + ", epochs " + epochs);
    }
    if ((long) numEnvs * stepsPerEnv % minibatches != 0) {
      throw new IllegalArgumentException("batch of " + numEnvs * stepsPerEnv + " steps does not split into "
          + minibatches + " equal minibatches");
    }
  }

  /** CleanRL's defaults: one environment, 2048-step rollouts, 32 minibatches, 10 epochs, lr 3e-4 annealed. */
  public static PpoConfig cleanRl(long totalSteps) {
    return new PpoConfig(totalSteps, 1, 2048, 3e-4, true, 0.99, 0.95, 32, 10, 0.2, 0.5, 0.0, 0.5, 1000);
  }

  public int batchSize() {
    return numEnvs * stepsPerEnv;
  }

  public int minibatchSize() {
    return batchSize() / minibatches;
  }

  /** Number of rollout-and-update iterations (the last batch may overshoot totalSteps). */
  public int iterations() {
    return (int) ((totalSteps + batchSize() - 1) / batchSize());
  }

  public PpoConfig withEnvs(int envs, int stepsPerEnvironment) {
    return new PpoConfig(totalSteps, envs, stepsPerEnvironment, learningRate, annealLearningRate, gamma, gaeLambda,
        minibatches, epochs, clip, valueCoefficient, entropyCoefficient, maxGradNorm, maxEpisodeSteps);
  }
}
