package dev.mirrorpo.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.schemas.BenchmarkResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Table 2 from hand-made results: best grid point by mean over seeds, standard error over seeds. */
class BenchmarkTableTest {
  private static BenchmarkResult row(String algorithm, String dataset, int point, long seed, double meanReturn) {
    return BenchmarkResult.newBuilder().setTask("hopper").setDataset(dataset).setDatasetPath("d")
        .setDatasetSha256("s").setAlgorithm(algorithm).setGridPoint(point)
        .setHyperParameters(Map.of("beta", point == 0 ? 0.1 : 0.5)).setSeed(seed)
        .setStatus(Double.isNaN(meanReturn) ? "DIVERGED" : "COMPLETED").setMessage("").setSteps(1)
        .setEpochLosses(List.of()).setMeanReturn(meanReturn).setStandardError(1).setEpisodes(10)
        .setEvaluationSeed(7).setTrainSeconds(1).setEvaluateSeconds(1).build();
  }

  @Test
  void entriesAreTheBestGridPointWithMeanAndStandardErrorOverSeeds() {
    List<BenchmarkResult> rows = new ArrayList<>(List.of(
        row("dpo", "base", 0, 1, 100), row("dpo", "base", 0, 2, 200),   // mean 150
        row("dpo", "base", 1, 1, 300), row("dpo", "base", 1, 2, 500),   // mean 400: best
        row("sft", "base", 0, 1, 250), row("sft", "base", 0, 2, Double.NaN),
        row("sft", "noisy", 0, 1, Double.NaN), row("sft", "noisy", 0, 2, Double.NaN)));
    BenchmarkTable table = BenchmarkTable.of("hopper", List.of("sft", "dpo"), List.of("base", "noisy"), rows);

    BenchmarkTable.Entry dpo = table.entry("dpo", "base");
    assertEquals(1, dpo.gridPoint());
    assertEquals(400, dpo.meanReturn(), 1e-12);
    // sample standard deviation of {300, 500} is 141.42; over √2 seeds: 100
    assertEquals(100, dpo.standardError(), 1e-9);
    assertEquals(0.5, dpo.hyperParameters().get("beta"));

    BenchmarkTable.Entry sft = table.entry("sft", "base");
    assertEquals(2, sft.seeds());
    assertEquals(1, sft.completed());
    assertEquals(250, sft.meanReturn(), 1e-12);
    assertTrue(Double.isNaN(sft.standardError()), "one completed seed has no standard error");

    String markdown = table.markdown();
    assertTrue(markdown.contains("| dpo | **400.0 ± 100.0** | – |"), markdown);
    assertTrue(markdown.contains("| sft | 250.0 (1/2 diverged) | diverged (2/2) |"), markdown);
    String csv = table.csv();
    assertTrue(csv.contains("hopper,dpo,base,1,beta=0.5,2,2,400.000,100.000"), csv);
    assertTrue(csv.contains("hopper,sft,noisy,-1,beta=0.1,2,0,,"), csv);
  }
}
