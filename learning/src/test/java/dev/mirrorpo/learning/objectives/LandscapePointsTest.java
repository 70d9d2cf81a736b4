package dev.mirrorpo.learning.objectives;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mirrorpo.learning.HopperPairs;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.training.PairedTrajectories;
import org.junit.jupiter.api.Test;

/** A landscape's points are the sampled pairs' per-step log-likelihoods under the policy, exactly. */
class LandscapePointsTest {
  @Test
  void evenlySpacedPairsScoredAsTheTrainerScoresThem() {
    try (GaussianPolicy expert = HopperPairs.agent("expert");
        GaussianPolicy ref43 = HopperPairs.agent("ref-43")) {
      PairedTrajectories data = HopperPairs.record(expert, ref43, 7, 6, 200);
      try (GaussianPolicy fresh = LandscapePoints.freshPolicy(data, 1)) {
        LandscapePoints points = LandscapePoints.of(fresh, data, 3, "fresh");
        assertArrayEquals(new int[] {0, 2, 4}, points.pairs());
        float[] chosen = HopperPairs.likelihoods(fresh, data.chosen())[1];
        float[] rejected = HopperPairs.likelihoods(fresh, data.rejected())[1];
        for (int k = 0; k < 3; k++) {
          assertEquals(chosen[points.pairs()[k]], points.chosen()[k], "a_w of pair " + points.pairs()[k]);
          assertEquals(rejected[points.pairs()[k]], points.rejected()[k], "a_l of pair " + points.pairs()[k]);
        }
        // The expert's own actions are likelier under the expert than under a fresh policy.
        LandscapePoints underExpert = LandscapePoints.of(expert, data, 10, "expert");
        assertEquals(6, underExpert.pairs().length, "all pairs when asked for more");
        LandscapePoints all = LandscapePoints.of(fresh, data, 6, "fresh");
        for (int k = 0; k < 6; k++) {
          assertEquals(true, underExpert.chosen()[k] > all.chosen()[k], "pair " + k);
        }
      }
    }
  }
}
