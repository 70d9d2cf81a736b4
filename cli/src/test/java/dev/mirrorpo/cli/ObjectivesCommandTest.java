package dev.mirrorpo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorpo.bench.PopulationThroughput;
import dev.mirrorpo.learning.io.Sha256;
import dev.mirrorpo.learning.mpo.MpoConfig;
import dev.mirrorpo.learning.objectives.LandscapePoints;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.training.PairedTrajectories;
import dev.mirrorpo.pipelines.TestDatasets;
import dev.mirrorpo.runfiles.DiscoveredObjectives;
import dev.mirrorpo.transforms.benchmark.DiscoveredObjective;
import dev.mirrorpo.transforms.datasets.PairedTrajectoriesReader;
import dev.mirrorpo.transforms.datasets.PreferencePairFiles;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The `mirrorpo objectives` commands, run in-process on real DJL. */
class ObjectivesCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  private static void assertSquare(JsonNode matrix, int steps, String name) {
    assertEquals(steps, matrix.size(), name + " rows");
    for (JsonNode row : matrix) {
      assertEquals(steps, row.size(), name + " columns");
      for (JsonNode cell : row) {
        assertTrue(cell.isNumber(), name + " cell " + cell);
      }
    }
  }

  @Test
  void landscapeJsonHoldsTheAxesTheLossAndBothGradients() throws Exception {
    CliRun result = run("objectives", "landscape", "--algo", "orpo", "--grid", "-3:-0.5:7", "--json");
    assertEquals(0, result.exitCode(), result.err());
    assertEquals(1, result.out().strip().lines().count(), "one JSON object on one line");
    JsonNode landscape = JSON.readTree(result.out());
    assertEquals("orpo", landscape.get("algo").asText());
    assertEquals(0.5, landscape.get("params").get("lambda").asDouble());
    assertTrue(!landscape.get("needs_reference").asBoolean() && landscape.get("reference_log_likelihood").isNull());
    JsonNode grid = landscape.get("grid");
    assertEquals(7, grid.size());
    assertEquals(-3, grid.get(0).asDouble(), 1e-12);
    assertEquals(-0.5, grid.get(6).asDouble(), 1e-12);
    assertSquare(landscape.get("loss"), 7, "loss");
    assertSquare(landscape.get("grad_log_pi_chosen"), 7, "grad_log_pi_chosen");
    assertSquare(landscape.get("grad_log_pi_rejected"), 7, "grad_log_pi_rejected");
    // ORPO pushes the chosen side up and the rejected side down everywhere.
    for (int i = 0; i < 7; i++) {
      for (int j = 0; j < 7; j++) {
        assertTrue(landscape.get("grad_log_pi_chosen").get(i).get(j).asDouble() < 0);
        assertTrue(landscape.get("grad_log_pi_rejected").get(i).get(j).asDouble() > 0);
      }
    }
  }

  @Test
  void sftLandscapeIsMinusTheChosenLogLikelihood() throws Exception {
    CliRun result = run("objectives", "landscape", "--algo", "sft", "--grid", "-2:-1:3", "--json");
    assertEquals(0, result.exitCode(), result.err());
    JsonNode landscape = JSON.readTree(result.out());
    double[] grid = {-2, -1.5, -1};
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        assertEquals(-grid[i], landscape.get("loss").get(i).get(j).asDouble(), 1e-6);
        assertEquals(-1, landscape.get("grad_log_pi_chosen").get(i).get(j).asDouble(), 1e-6);
        assertEquals(0, landscape.get("grad_log_pi_rejected").get(i).get(j).asDouble(), 0);
      }
    }
  }

  @Test
  void dpoLandscapeFollowsTheDocumentedConvention() throws Exception {
    // s = a·|τ|·D with |τ| = 10, D = 2; π_ref at the centre −1.75 on both sides, so Δ = 20·(a_w − a_l).
    CliRun result = run("objectives", "landscape", "--algo", "dpo", "--param", "beta=0.05", "--grid", "-3:-0.5:3",
        "--length", "10", "--action-size", "2", "--json");
    assertEquals(0, result.exitCode(), result.err());
    JsonNode landscape = JSON.readTree(result.out());
    assertEquals(-1.75, landscape.get("reference_log_likelihood").asDouble(), 1e-12);
    double[] grid = {-3, -1.75, -0.5};
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double z = 0.05 * 20 * (grid[i] - grid[j]);
        double sigmoidOfMinusZ = 1 / (1 + Math.exp(z));
        assertEquals(Math.log1p(Math.exp(-z)), landscape.get("loss").get(i).get(j).asDouble(), 1e-6);
        assertEquals(-1.0 * sigmoidOfMinusZ, landscape.get("grad_log_pi_chosen").get(i).get(j).asDouble(), 1e-6);
        assertEquals(sigmoidOfMinusZ, landscape.get("grad_log_pi_rejected").get(i).get(j).asDouble(), 1e-6);
      }
    }
  }

  @Test
  void pngHeatMapIsWrittenAndDecodes(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("plots/colpo.png");
    CliRun result = run("objectives", "landscape", "--algo", "colpo", "--param", "threshold=-2", "--grid", "-4:-0.1:41",
        "--png", png.toString());
    assertEquals(0, result.exitCode(), result.err());
    assertTrue(result.out().contains(png.toString()), result.out());
    assertTrue(Files.size(png) > 1000);
    BufferedImage image = ImageIO.read(png.toFile());
    assertNotNull(image, "a decodable PNG");
    assertTrue(image.getWidth() > 3 * 320 && image.getHeight() > 320, image.getWidth() + "×" + image.getHeight());
  }

  @Test
  void listNamesEveryObjectiveWithItsDefaults() throws Exception {
    CliRun result = run("objectives", "list", "--json");
    assertEquals(0, result.exitCode(), result.err());
    String[] lines = result.out().strip().split("\n");
    assertEquals(18, lines.length);
    JsonNode rdpo = JSON.readTree(lines[4]);
    assertEquals("r-dpo", rdpo.get("algo").asText());
    assertTrue(rdpo.get("needs_reference").asBoolean());
    assertEquals(0.01, rdpo.get("defaults").get("alpha").asDouble());
  }

  @Test
  void unknownObjectiveOrHyperParameterIsOneLineListingTheValidOnes() {
    CliRun algo = run("objectives", "landscape", "--algo", "kto", "--grid", "-3:-1:5");
    assertEquals(CommandLine.ExitCode.USAGE, algo.exitCode());
    assertEquals("", algo.out());
    assertEquals(1, algo.err().strip().lines().count(), algo.err());
    assertTrue(algo.err().contains("'kto'") && algo.err().contains("sft, dpo, ipo"), algo.err());

    CliRun param = run("objectives", "landscape", "--algo", "simpo", "--param", "lambda=1", "--grid", "-3:-1:5");
    assertEquals(CommandLine.ExitCode.USAGE, param.exitCode());
    assertEquals(1, param.err().strip().lines().count(), param.err());
    assertTrue(param.err().contains("'lambda'") && param.err().contains("beta, gamma"), param.err());
  }

  @Test
  void malformedOrNonNegativeGridsAreRefusedWithTheExpectedForm() {
    CliRun malformed = run("objectives", "landscape", "--algo", "dpo", "--grid", "-3:-1");
    assertEquals(CommandLine.ExitCode.USAGE, malformed.exitCode());
    assertTrue(malformed.err().contains("FROM:TO:STEPS"), malformed.err());
    CliRun positive = run("objectives", "landscape", "--algo", "dpo", "--grid", "-1:0.5:5");
    assertEquals(CommandLine.ExitCode.USAGE, positive.exitCode());
    assertTrue(positive.err().contains("TO < 0"), positive.err());
  }

  /** The objective the first Hopper search discovered (docs/results.md). */
  private static final Path DISCOVERED = Path.of("..", "docs", "results", "search-hopper-1024-noisy.best.json");

  /**
   * A discovered objective's landscape with a dataset's pairs: the points are the pairs' per-step log-likelihoods
   * under the fresh policy training starts from, and the grid is the discovered objective's own.
   */
  @Test
  void landscapeOfADiscoveredObjectiveWithTheDatasetsPairs(@TempDir Path dir) throws Exception {
    Path dataset = tinyDataset(dir);
    CliRun result = run("objectives", "landscape", "--discovered", DISCOVERED.toString(), "--grid", "-6:-1:5",
        "--dataset", dataset.toString(), "--pairs", "4", "--json");
    assertEquals(0, result.exitCode(), result.err());
    JsonNode landscape = JSON.readTree(result.out());
    assertEquals("mpo", landscape.get("algo").asText());
    assertSquare(landscape.get("grad_log_pi_chosen"), 5, "grad_log_pi_chosen");
    assertTrue(!landscape.has("stages"), "a static objective has one row");
    JsonNode points = landscape.get("points");
    assertEquals("[0,1,3,4]", points.get("pairs").toString(), "evenly spaced over 6 pairs");
    PairedTrajectories data = PairedTrajectoriesReader.read(PreferencePairFiles.verified(dataset).files());
    try (GaussianPolicy fresh = LandscapePoints.freshPolicy(data, 1)) {
      LandscapePoints expected = LandscapePoints.of(fresh, data, 4, "fresh");
      for (int k = 0; k < 4; k++) {
        assertEquals(expected.chosen()[k], (float) points.get("log_pi_chosen").get(k).asDouble());
        assertEquals(expected.rejected()[k], (float) points.get("log_pi_rejected").get(k).asDouble());
      }
    }
    // The discovered objective's gradients, not ORPO's: the grid cell at a_w = a_l = -1 differs.
    JsonNode orpo = JSON.readTree(run("objectives", "landscape", "--algo", "orpo", "--grid", "-6:-1:5", "--json").out());
    assertTrue(orpo.get("grad_log_pi_chosen").get(4).get(4).asDouble()
        != landscape.get("grad_log_pi_chosen").get(4).get(4).asDouble());
  }

  @Test
  void landscapeNeedsExactlyOneObjective() {
    CliRun neither = run("objectives", "landscape", "--grid", "-3:-1:5");
    assertEquals(CommandLine.ExitCode.USAGE, neither.exitCode());
    assertTrue(neither.err().contains("--algo NAME or as --discovered"), neither.err());
    CliRun both = run("objectives", "landscape", "--algo", "orpo", "--discovered", DISCOVERED.toString(), "--grid",
        "-3:-1:5");
    assertEquals(CommandLine.ExitCode.USAGE, both.exitCode());
  }

  /** fit writes the closed form as a best.json that benchmark --discovered reads, and the fit beside it. */
  @Test
  void fitWritesATrainableClosedFormAndItsFit(@TempDir Path dir) throws Exception {
    CliRun result = run("objectives", "fit", DISCOVERED.toString(), "--out", dir.toString(), "--json");
    assertEquals(0, result.exitCode(), result.err());
    JsonNode line = JSON.readTree(result.out());
    Path closedForm = dir.resolve("search-hopper-1024-noisy-closed-form.best.json");
    assertEquals(closedForm.toString(), line.get("closed_form").asText());
    assertEquals(3, line.get("formulas").size());
    assertTrue(line.get("formulas").get(1).asText().startsWith("φ⁻¹(x) ≈ "), line.toString());
    DiscoveredObjective row = DiscoveredObjectives.load(List.of(closedForm)).get(0);
    assertEquals("mpo:search-hopper-1024-noisy-closed-form", row.label());
    JsonNode fit = JSON.readTree(dir.resolve("search-hopper-1024-noisy-closed-form.fit.json").toFile());
    assertEquals(Sha256.ofFile(closedForm), fit.get("closed_form_sha256").asText());
    assertTrue(fit.get("provenance").get("made").get("command").asText().startsWith("mirrorpo objectives fit"));
    for (JsonNode f : fit.get("functions")) {
      assertTrue(f.get("rmse").asDouble() < f.get("span").asDouble(), f.toString());
    }
    CliRun badDomain = run("objectives", "fit", DISCOVERED.toString(), "--domain", "-1:-6", "--out", dir.toString());
    assertEquals(CommandLine.ExitCode.USAGE, badDomain.exitCode());
    assertTrue(badDomain.err().contains("FROM < TO < 0"), badDomain.err());
  }

  @Test
  void exportWritesTheDescriptionAndThePythonBesideIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("exports/hopper.mpo.json");
    CliRun result = run("objectives", "export", DISCOVERED.toString(), "--out", file.toString(), "--json");
    assertEquals(0, result.exitCode(), result.err());
    JsonNode export = JSON.readTree(file.toFile());
    assertEquals("mirrorpo-mpo-export", export.get("format").asText());
    assertEquals(1137, export.get("layout").get("size").asInt());
    assertEquals(Sha256.ofFile(DISCOVERED), export.get("provenance").get("source_sha256").asText());
    assertTrue(Files.readString(dir.resolve("exports/mirrorpo_mpo.py")).contains("def torch_loss("));
    CliRun notAnObjective = run("objectives", "export", dir.toString(), "--out", file.toString());
    assertEquals(CommandLine.ExitCode.USAGE, notAnObjective.exitCode());
    assertTrue(notAnObjective.err().contains("has no best.json"), notAnObjective.err());
  }

  /** A tiny Hopper dataset of untrained agents: 6 pairs of at most 8 steps. */
  private static Path tinyDataset(Path dir) {
    TestDatasets.agent(dir, "target", "hopper", 1, null);
    TestDatasets.agent(dir, "original", "hopper", 2, null);
    Path preset = TestDatasets.preset(dir, "tiny", "hopper", "target.agent.json", "original.agent.json", "pairs: 6",
        "length: 8", "seed: 3", "temperature: 1.0", "rollout_batch: 6", "pairs_per_chunk: 6");
    Path dataset = dir.resolve("tiny-dataset");
    CliRun generated = run("dataset", "generate", "--config", preset.toString(), "--out", dataset.toString());
    assertEquals(0, generated.exitCode(), generated.err());
    return dataset;
  }

  private static void assertPositive(JsonNode line, String field) {
    assertTrue(line.hasNonNull(field) && line.get(field).isNumber() && line.get(field).asDouble() > 0,
        field + " in " + line);
  }

  @Test
  void benchReportsTheTrainersThroughputAndWithAReferenceTheRatio(@TempDir Path dir) throws Exception {
    Path dataset = tinyDataset(dir);
    CliRun alone = run("objectives", "bench", "--dataset", dataset.toString(), "--seconds", "0.2", "--rounds", "1",
        "--json");
    assertEquals(0, alone.exitCode(), alone.err());
    assertEquals(1, alone.out().strip().lines().count(), alone.out());
    JsonNode line = JSON.readTree(alone.out());
    assertEquals("trainer", line.get("bench").asText());
    assertEquals("orpo", line.get("objective").asText());
    assertEquals(6, line.get("pairs").asInt());
    assertEquals(2, line.get("minibatch_pairs").asInt());
    for (String field : new String[] {"java_steps_per_s", "java_updates_per_s", "dataset_steps", "rounds",
        "java_epochs_per_measurement", "java_cpu_per_wall", "java_gflops", "sgemm_gflops", "java_fraction_of_sgemm"}) {
      assertPositive(line, field);
    }
    // Hopper's policy (11 → 64 → 64 → 3): 4 992 multiply-adds forward, 9 280 backward, two FLOP each.
    assertEquals(28_544, line.get("flop_per_step").asLong());
    assertEquals(line.get("java_steps_per_s").asDouble() * 28_544 / 1e9, line.get("java_gflops").asDouble(), 0.001);
    assertTrue(!line.has("jax_steps_per_s") && !line.has("ratio"), "no reference, no ratio: " + line);
    double loss = line.get("first_batch_loss").asDouble();
    assertTrue(Double.isFinite(loss), line.toString());

    // A stand-in for the JAX reference (jax is not needed by the tests): it reports 1000 steps/s and the
    // trainer's own first-batch loss, as the real script does when it computes the same thing.
    Path python = fakeReference(dir.resolve("fake-python"), loss, 1000);
    CliRun compared = run("objectives", "bench", "--dataset", dataset.toString(), "--seconds", "0.2", "--rounds", "3",
        "--reference-python", python.toString(), "--reference-script", python.toString(), "--json");
    assertEquals(0, compared.exitCode(), compared.err());
    JsonNode ratio = JSON.readTree(compared.out());
    assertEquals(1000, ratio.get("jax_steps_per_s").asLong());
    assertEquals(3, ratio.get("rounds").asInt());
    assertPositive(ratio, "ratio");
    assertEquals(ratio.get("java_steps_per_s").asDouble() / 1000, ratio.get("ratio").asDouble(), 0.002);

    // A reference that computes another loss is no reference: one line saying so, exit code 1.
    Path wrong = fakeReference(dir.resolve("wrong-python"), loss + 0.5, 1000);
    CliRun refused = run("objectives", "bench", "--dataset", dataset.toString(), "--seconds", "0.1", "--rounds", "1",
        "--reference-python", wrong.toString(), "--reference-script", wrong.toString(), "--json");
    assertEquals(Mirrorpo.FAILURE, refused.exitCode(), refused.out() + refused.err());
    assertEquals(1, refused.err().strip().lines().count(), refused.err());
    assertTrue(refused.err().contains("another loss"), refused.err());
  }

  @Test
  void benchPopulationReportsBatchedAgainstOneAtATimeForEachPopulationSize(@TempDir Path dir) throws Exception {
    Path dataset = tinyDataset(dir);
    CliRun result = run("objectives", "bench-population", "--dataset", dataset.toString(), "--members", "1,3",
        "--seconds", "0.2", "--rounds", "1", "--json");
    assertEquals(0, result.exitCode(), result.err());
    List<String> lines = result.out().strip().lines().toList();
    assertEquals(2, lines.size(), result.out());
    double oneAtATime = Double.NaN;
    for (int i = 0; i < 2; i++) {
      JsonNode line = JSON.readTree(lines.get(i));
      assertEquals("population_training", line.get("benchmark").asText());
      assertEquals(i == 0 ? 1 : 3, line.get("members").asInt());
      assertPositive(line, "batched_candidate_steps_per_s");
      assertPositive(line, "one_at_a_time_candidate_steps_per_s");
      assertPositive(line, "batched_gflops");
      assertPositive(line, "sgemm_gflops");
      // One measurement of one candidate alone serves every population size.
      if (i > 0) {
        assertEquals(oneAtATime, line.get("one_at_a_time_candidate_steps_per_s").asDouble());
      }
      oneAtATime = line.get("one_at_a_time_candidate_steps_per_s").asDouble();
      assertEquals(line.get("batched_candidate_steps_per_s").asDouble() / oneAtATime, line.get("ratio").asDouble(),
          0.01 * line.get("ratio").asDouble());
    }
  }

  @Test
  void benchPopulationWithAReferenceReportsTheRatiosToJaxVmapAndJaxSingle(@TempDir Path dir) throws Exception {
    Path dataset = tinyDataset(dir);
    // A stand-in for the JAX vmap reference: 1000 candidate steps/s and the trainer's own first-batch losses.
    double[] losses = new PopulationThroughput(
        PairedTrajectoriesReader.read(PreferencePairFiles.verified(dataset).files()),
        MpoConfig.oneStep(true, true, false)).firstBatchLosses(2);
    Path python = dir.resolve("fake-python");
    Files.writeString(python, "#!/bin/sh\necho '{\"framework\": \"jax\", \"jax\": \"fake\", "
        + "\"candidate_steps_per_s\": 1000, \"first_batch_losses\": [" + losses[0] + ", " + losses[1] + "]}'\n");
    Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));
    CliRun result = run("objectives", "bench-population", "--dataset", dataset.toString(), "--members", "2",
        "--seconds", "0.2", "--rounds", "1", "--reference-python", python.toString(), "--reference-script",
        python.toString(), "--json");
    assertEquals(0, result.exitCode(), result.err());
    JsonNode line = JSON.readTree(result.out());
    assertEquals(2, line.get("members").asInt());
    assertEquals(1000, line.get("jax_vmap_candidate_steps_per_s").asLong());
    assertEquals(1000, line.get("jax_single_candidate_steps_per_s").asLong());
    double batched = line.get("batched_candidate_steps_per_s").asDouble();
    assertEquals(batched / 1000, line.get("ratio_to_jax_vmap").asDouble(), 0.002);
    assertEquals(batched / 1000, line.get("ratio_to_jax_single").asDouble(), 0.002);

    // A reference whose candidates have other losses trains other candidates: refused with the reason.
    Files.writeString(python, "#!/bin/sh\necho '{\"jax\": \"fake\", \"candidate_steps_per_s\": 1000, "
        + "\"first_batch_losses\": [" + (losses[0] + 0.5) + ", " + losses[1] + "]}'\n");
    CliRun refused = run("objectives", "bench-population", "--dataset", dataset.toString(), "--members", "2",
        "--seconds", "0.1", "--rounds", "1", "--reference-python", python.toString(), "--reference-script",
        python.toString(), "--json");
    assertEquals(Mirrorpo.FAILURE, refused.exitCode(), refused.out() + refused.err());
    assertTrue(refused.err().contains("another loss"), refused.err());
  }

  /** An executable that ignores its arguments and prints a reference's JSON line. */
  private static Path fakeReference(Path file, double firstBatchLoss, double stepsPerSecond) throws Exception {
    Files.writeString(file, "#!/bin/sh\necho '{\"framework\": \"jax\", \"jax\": \"fake\", \"steps_per_s\": "
        + stepsPerSecond + ", \"padded_steps_per_s\": " + stepsPerSecond + ", \"cpu_per_wall\": 1.0, "
        + "\"padding_fraction\": 0.0, \"first_batch_loss\": " + firstBatchLoss + "}'\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  @Test
  void benchOnAMissingDatasetIsOneLineNamingIt(@TempDir Path dir) {
    Path missing = dir.resolve("no-such-dataset");
    CliRun result = run("objectives", "bench", "--dataset", missing.toString(), "--seconds", "0.1", "--json");
    assertEquals(CommandLine.ExitCode.USAGE, result.exitCode());
    assertEquals("", result.out());
    assertEquals(1, result.err().strip().lines().count(), result.err());
    assertTrue(result.err().contains("no dataset directory " + missing), result.err());

    CliRun empty = run("objectives", "bench", "--dataset", dir.toString(), "--seconds", "0.1");
    assertEquals(CommandLine.ExitCode.USAGE, empty.exitCode());
    assertEquals(1, empty.err().strip().lines().count(), empty.err());
    assertTrue(empty.err().contains(dir + " holds no dataset (no manifest.json, no data/)"), empty.err());
  }
}
