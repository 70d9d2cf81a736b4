package dev.mirrorpo.learning.training;

import java.util.List;

/**
 * How an offline training ended.
 *
 * @param status {@link Status#COMPLETED}, or {@link Status#DIVERGED} when a loss or gradient stopped
 *     being finite (the policy is then left as it was before that step)
 * @param steps gradient steps taken
 * @param epochLosses mean loss of each finished epoch (SFT epochs first for two-step objectives)
 * @param message what happened, for people
 */
public record TrainingResult(Status status, long steps, List<Double> epochLosses, String message) {
  public enum Status {
    COMPLETED,
    DIVERGED
  }

  public boolean completed() {
    return status == Status.COMPLETED;
  }
}
