package dev.mirrorpo.learning.objectives;

import java.util.ArrayList;
import java.util.List;

/**
 * What a loss-landscape figure shows, as the MPO paper's Figures 1–5 do (docs/objectives.md, "Loss landscapes"):
 * an objective's gradients w.r.t. log π(τ_w) and log π(τ_l) over a grid ({@link LossLandscape}), once for an
 * objective that does not change during training, and once per third of training for a temporally aware one
 * (its objective at the middle epoch of each third), with real training pairs drawn over it.
 *
 * @param stages one per panel row
 * @param points the pairs drawn over every panel, or null for none
 */
public record LandscapeFigure(List<Stage> stages, LandscapePoints points) {
  /** The rows of a temporally aware objective's figure: thirds of training. */
  public static final int THIRDS = 3;

  /**
   * One row of panels.
   *
   * @param label e.g. "epochs 1–4 of 12 (t = 2/12)", or "" for a static objective
   * @param landscape the landscape of the objective as it is during that part of training
   */
  public record Stage(String label, LossLandscape landscape) {}

  /**
   * @param epochs the training's epochs N; a temporal objective is shown at epochs ⌊(2k + 1)·N/6⌋, k = 0, 1, 2
   * @param points pairs to draw, or null
   */
  public static LandscapeFigure of(Objective objective, Grid grid, int epochs, LandscapePoints points) {
    if (epochs < THIRDS) {
      throw new IllegalArgumentException("a landscape per third of training needs at least " + THIRDS + " epochs, got "
          + epochs);
    }
    List<Stage> stages = new ArrayList<>();
    if (!isTemporal(objective, epochs)) {
      stages.add(new Stage("", grid.evaluate(objective)));
    } else {
      for (int k = 0; k < THIRDS; k++) {
        int first = k * epochs / THIRDS;
        int last = (k + 1) * epochs / THIRDS - 1;
        int shown = (2 * k + 1) * epochs / (2 * THIRDS);
        stages.add(new Stage("epochs " + (first + 1) + "–" + (last + 1) + " of " + epochs + " (t = " + shown + "/"
            + epochs + ")", grid.evaluate(objective.forEpoch(shown, epochs))));
      }
    }
    return new LandscapeFigure(List.copyOf(stages), points);
  }

  /** Temporally aware: bound to another epoch it is another objective (static ones return themselves). */
  static boolean isTemporal(Objective objective, int epochs) {
    return objective.forEpoch(epochs - 1, epochs) != objective.forEpoch(0, epochs);
  }

  /**
   * The grid and nominal trajectory of {@link LossLandscape#evaluate}.
   *
   * @param from the axes' first per-step log-likelihood
   * @param to their last (below 0)
   * @param steps points per axis
   * @param length nominal |τ|
   * @param actionSize nominal D
   */
  public record Grid(double from, double to, int steps, int length, int actionSize) {
    LossLandscape evaluate(Objective objective) {
      return LossLandscape.evaluate(objective, from, to, steps, length, actionSize);
    }
  }
}
