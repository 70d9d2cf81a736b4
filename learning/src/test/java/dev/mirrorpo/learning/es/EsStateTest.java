package dev.mirrorpo.learning.es;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Determinism, the state file and resuming. */
class EsStateTest {
  private static final double[] TARGET = {0.3, -0.2, 0.1, 0.9, -0.7, 0.5, 0, 0.25, -0.4, 0.6};
  /**
   * A sphere whose candidates farther than ζ₀ = 0 (|ζ₀ − target|² = 2.2625) fail, so that the first
   * generations have failures and the NaN path is part of the trajectory.
   */
  private static final ToDoubleFunction<float[]> FITNESS = x -> {
    double f = EsTesting.sphere(TARGET).applyAsDouble(x);
    return f < -2.265 ? Double.NaN : f;
  };

  @TempDir
  Path dir;

  private static List<EsState> run(EsConfig config, int generations) {
    OpenAiEs es = new OpenAiEs(config);
    List<EsState> states = new ArrayList<>();
    EsState state = es.initialize(new float[TARGET.length]);
    states.add(state);
    for (int g = 0; g < generations; g++) {
      state = EsTesting.step(es, state, FITNESS);
      states.add(state);
    }
    return states;
  }

  private static EsConfig config() {
    return EsConfig.paper().withSeed(17).withPairs(16);
  }

  @Test
  void theSameSeedGivesTheSameTrajectoryOfStates() {
    List<EsState> a = run(config(), 25);
    List<EsState> b = run(config(), 25);
    for (int g = 0; g < a.size(); g++) {
      assertEquals(a.get(g), b.get(g), "generation " + g);
      assertEquals(a.get(g).toJson(), b.get(g).toJson(), "generation " + g);
    }
    assertTrue(Arrays.stream(a.get(1).lastFitness()).anyMatch(Double::isNaN), "failures in generation 0");
    List<EsState> other = run(config().withSeed(18), 3);
    assertFalse(Arrays.equals(a.get(3).mean(), other.get(3).mean()), "another seed, another trajectory");
  }

  @Test
  void theJsonRoundTripIsExact() throws IOException {
    OpenAiEs es = new OpenAiEs(config());
    float[] odd = new float[TARGET.length];
    odd[0] = -0.0f;
    odd[1] = Float.MIN_VALUE;
    odd[2] = Float.MAX_VALUE / 4;
    odd[3] = 1.0f / 3;
    EsState state = es.initialize(odd);
    assertEquals(state, EsState.parse(state.toJson(), "initial"));
    for (int g = 0; g < 5; g++) {
      state = EsTesting.step(es, state, FITNESS);
    }
    double[] withFailures = EsTesting.evaluate(es, state, FITNESS);
    withFailures[3] = Double.NaN;
    withFailures[4] = Double.NEGATIVE_INFINITY;
    withFailures[5] = 0.1 + 0.2; // needs all 17 digits
    state = es.tell(state, withFailures);

    String text = state.toJson();
    EsState parsed = EsState.parse(text, "text");
    assertEquals(state, parsed);
    assertEquals(text, parsed.toJson());
    assertEquals(0.1 + 0.2, parsed.lastFitness()[5]);
    assertTrue(Double.isNaN(parsed.lastFitness()[4]));

    Path file = dir.resolve("es/state.json");
    state.write(file);
    assertEquals(state, EsState.read(file));
    assertEquals(text, Files.readString(file));
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
    }
  }

  /**
   * A state file written before the file was bound by JsonFiles (the quick search's after 2 generations,
   * 1137 parameters, best candidate and last fitness set) reads and writes back byte for byte.
   */
  @Test
  void aStateFileWrittenByAnEarlierBuildLoadsAndWritesBackByteForByte() throws Exception {
    Path earlier = Path.of(getClass().getResource("quick-search-generation-2.state.json").toURI());
    EsState state = EsState.read(earlier);
    assertEquals(2, state.generation());
    assertEquals(1137, state.dimension());
    assertEquals(Files.readString(earlier), state.toJson());
  }

  @Test
  void resumingFromTheSavedStateEqualsAnUninterruptedRun() {
    List<EsState> uninterrupted = run(config(), 12);
    Path file = dir.resolve("state.json");
    OpenAiEs es = new OpenAiEs(config());
    EsState state = es.initialize(new float[TARGET.length]);
    state.write(file);
    for (int g = 0; g < 12; g++) {
      // As after a crash: a new JVM-side search object from nothing but the file.
      EsState loaded = EsState.read(file);
      OpenAiEs resumed = new OpenAiEs(loaded.config());
      EsState next = EsTesting.step(resumed, loaded, FITNESS);
      next.write(file);
      assertEquals(uninterrupted.get(g + 1), EsState.read(file), "generation " + (g + 1));
    }
    assertEquals(uninterrupted.get(12).toJson(), EsState.read(file).toJson());
  }

  @Test
  void aCorruptOrForeignFileGivesOneClearErrorNamingIt() throws IOException {
    Path file = dir.resolve("state.json");
    OpenAiEs es = new OpenAiEs(config());
    EsState state = EsTesting.step(es, es.initialize(new float[TARGET.length]), FITNESS);
    String good = state.toJson();

    assertBad(file, good.substring(0, good.length() / 2), "not valid JSON");
    assertBad(file, "", "not an ES state file");
    assertBad(file, "[1, 2]", "not an ES state file");
    assertBad(file, good.replace(EsState.FORMAT, "mirrorpo-ppo-checkpoint"), "not an ES state file");
    assertBad(file, good.replace("\"format_version\" : 1", "\"format_version\" : 2"), "format version 2");
    String data = "\"data\" : \"";
    int at = good.indexOf(data) + data.length() + 5;
    char flipped = good.charAt(at) == 'A' ? 'B' : 'A';
    assertBad(file, good.substring(0, at) + flipped + good.substring(at + 1), "SHA-256");
    assertBad(file, good.replace("\"generation\" : 1,", "\"generation\" : \"one\","), "generation");
    assertBad(file, good.replace("\"pairs\" : 16", "\"pairs\" : 15"), "last fitness values");
    assertBad(file, good.replaceFirst("\"sigma\" : [0-9.eE-]+,", ""), "field \"sigma\" is missing");
    assertBad(file, good.replace("\"sigma\" :", "\"extra\" : 1, \"sigma\" :"), "unknown field \"extra\"");
    assertBad(file, good.replace("\"encoding\" : \"float32-le-base64\"", "\"encoding\" : \"float64\""),
        "field \"mean\": unknown encoding 'float64'");

    Files.deleteIfExists(file);
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> EsState.read(file));
    assertTrue(missing.getMessage().contains(file.toString()), missing.getMessage());
  }

  private static void assertBad(Path file, String text, String expected) throws IOException {
    Files.writeString(file, text);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EsState.read(file));
    assertTrue(e.getMessage().startsWith("ES state file " + file + " "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void theFileForFiveThousandParametersIsSmall() throws IOException {
    int dimension = 5000;
    OpenAiEs es = new OpenAiEs(EsConfig.paper());
    EsState state = es.initialize(new float[dimension]);
    double[] target = new double[dimension];
    state = EsTesting.step(es, state, EsTesting.sphere(target));
    Path file = dir.resolve("big.json");
    state.write(file);
    long size = Files.size(file);
    System.out.println("ES state file for " + dimension + " parameters and 256 candidates: " + size + " bytes");
    // four float32 arrays (ζ, Adam m and v, best) as base64: 4 · 4 · 5000 · 4/3 ≈ 107 kB
    assertTrue(size < 125_000, size + " bytes");
    assertEquals(state, EsState.read(file));
  }
}
