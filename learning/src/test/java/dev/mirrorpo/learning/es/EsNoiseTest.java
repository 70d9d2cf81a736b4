package dev.mirrorpo.learning.es;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** ε is a pure function of (seed, generation, pair); candidates are antithetic around ζ. */
class EsNoiseTest {

  @Test
  void theSameSeedGenerationAndPairGiveTheSameNoise() {
    double[] a = OpenAiEs.noise(42, 7, 13, 1001);
    assertArrayEquals(a, OpenAiEs.noise(42, 7, 13, 1001));
    assertFalse(Arrays.equals(a, OpenAiEs.noise(43, 7, 13, 1001)), "another seed");
    assertFalse(Arrays.equals(a, OpenAiEs.noise(42, 8, 13, 1001)), "another generation");
    assertFalse(Arrays.equals(a, OpenAiEs.noise(42, 7, 14, 1001)), "another pair");
    assertFalse(Arrays.equals(a, OpenAiEs.noise(42, 13, 7, 1001)), "generation and pair swapped");
  }

  @Test
  void noiseIsStandardNormal() {
    int n = 200_000;
    double[] e = OpenAiEs.noise(5, 0, 0, n);
    double mean = Arrays.stream(e).sum() / n;
    double variance = Arrays.stream(e).map(x -> (x - mean) * (x - mean)).sum() / n;
    double beyondTwo = Arrays.stream(e).filter(x -> Math.abs(x) > 2).count() / (double) n;
    assertEquals(0, mean, 0.01);
    assertEquals(1, variance, 0.01);
    assertEquals(0.0455, beyondTwo, 0.003);
  }

  @Test
  void eachCandidateRegeneratesAloneAndPairsAreMirrorImagesAroundTheMean() {
    EsConfig config = EsConfig.paper().withSeed(9).withPairs(8);
    OpenAiEs es = new OpenAiEs(config);
    float[] start = new float[300];
    for (int j = 0; j < start.length; j++) {
      start[j] = (float) Math.sin(j);
    }
    EsState state = es.initialize(start);
    List<Candidate> candidates = es.ask(state);
    assertEquals(16, candidates.size());
    for (int i = 0; i < config.pairs(); i++) {
      Candidate plus = candidates.get(2 * i);
      Candidate minus = candidates.get(2 * i + 1);
      assertEquals(2 * i, plus.index());
      assertEquals(i, plus.pairIndex());
      assertEquals(1, plus.sign());
      assertEquals(-1, minus.sign());
      assertArrayEquals(plus.parameters(), es.candidate(state, i, 1).parameters());
      assertArrayEquals(minus.parameters(), es.candidate(state, i, -1).parameters());
      assertArrayEquals(minus.parameters(), es.candidate(state, 2 * i + 1).parameters());
      double[] noise = OpenAiEs.noise(config.seed(), 0, i, start.length);
      for (int j = 0; j < start.length; j++) {
        float plusJ = plus.parameters()[j];
        float minusJ = minus.parameters()[j];
        assertEquals(start[j], (plusJ + (double) minusJ) / 2, 1e-6, "midpoint of pair " + i);
        assertEquals(0.03 * noise[j], plusJ - (double) start[j], 1e-6);
        assertEquals(-0.03 * noise[j], minusJ - (double) start[j], 1e-6);
      }
    }
  }

  @Test
  void workersOnManyThreadsBuildTheSameCandidates() {
    OpenAiEs es = new OpenAiEs(EsConfig.paper().withSeed(3).withPairs(32));
    EsState state = es.initialize(new float[500]);
    List<Candidate> sequential = es.ask(state);
    List<Candidate> parallel = IntStream.range(0, 64).parallel().mapToObj(k -> es.candidate(state, k)).toList();
    for (int k = 0; k < 64; k++) {
      assertArrayEquals(sequential.get(k).parameters(), parallel.get(k).parameters());
    }
  }

  @Test
  void theNextGenerationDrawsNewNoise() {
    OpenAiEs es = new OpenAiEs(EsConfig.paper().withSeed(3).withPairs(4));
    EsState first = es.initialize(new float[20]);
    EsState second = es.tell(first, new double[8]);
    float[] a = es.candidate(first, 0, 1).parameters();
    float[] b = es.candidate(second, 0, 1).parameters();
    assertFalse(Arrays.equals(a, b));
  }

  @Test
  void candidatesOutsideThePopulationAreRefused() {
    OpenAiEs es = new OpenAiEs(EsConfig.paper().withPairs(4));
    EsState state = es.initialize(new float[3]);
    assertThrows(IllegalArgumentException.class, () -> es.candidate(state, 4, 1));
    assertThrows(IllegalArgumentException.class, () -> es.candidate(state, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> es.candidate(state, 8));
  }
}
