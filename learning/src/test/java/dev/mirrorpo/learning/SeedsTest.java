package dev.mirrorpo.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeedsTest {

  @Test
  void theSameSeedAndPathGiveTheSameSeed() {
    assertEquals(Seeds.derive(42, 3, 7), Seeds.derive(42, 3, 7));
  }

  @Test
  void seedsDifferAcrossSeedsPathsOrderAndLength() {
    long base = Seeds.derive(42, 3, 7);
    assertNotEquals(base, Seeds.derive(43, 3, 7));
    assertNotEquals(base, Seeds.derive(42, 7, 3));
    assertNotEquals(base, Seeds.derive(42, 3, 8));
    assertNotEquals(base, Seeds.derive(42, 3, 7, 0));
    assertNotEquals(Seeds.derive(42), Seeds.derive(42, 0));
    // The streams Ppo derives, (seed, stream, iteration), must not collide with each other.
    Set<Long> seen = new HashSet<>();
    for (long seed = 0; seed < 4; seed++) {
      for (long stream = 1; stream <= 4; stream++) {
        for (long iteration = 0; iteration < 500; iteration++) {
          seen.add(Seeds.derive(seed, stream, iteration));
        }
      }
    }
    assertEquals(4 * 4 * 500, seen.size());
  }
}
