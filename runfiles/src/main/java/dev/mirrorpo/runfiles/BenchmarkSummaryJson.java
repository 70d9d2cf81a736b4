package dev.mirrorpo.runfiles;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.mirrorpo.config.BenchmarkConfig;
import dev.mirrorpo.config.Preset;
import dev.mirrorpo.learning.io.JsonFiles;
import dev.mirrorpo.transforms.benchmark.DiscoveredObjective;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * benchmark.json: how a benchmark was made (command, code version, preset, seeds, runner), with which
 * datasets (directory and manifest SHA-256) and which discovered objectives (file and its SHA-256), so
 * that its tables can be traced and rerun.
 */
public final class BenchmarkSummaryJson {
  /** The file name in a benchmark's output directory. */
  public static final String FILE = "benchmark.json";

  private BenchmarkSummaryJson() {}

  /**
   * @param rows the table's rows: the algorithms, then the discovered objectives by label
   * @param discovered where each discovered objective came from
   */
  public static String of(Preset preset, List<String> rows, List<DiscoveredObjective> discovered, int seeds,
      List<BenchmarkDataset> datasets, Origin origin, String runner) {
    BenchmarkConfig config = preset.benchmark();
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("format", "mirrorpo-benchmark");
    root.put("format_version", 1);
    root.putAll(origin.fields());
    root.put("runner", runner);
    root.put("config_file", preset.location());
    root.put("algorithms", rows);
    root.put("discovered", discovered.stream().map(objective -> {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("label", objective.label());
      entry.put("file", objective.file());
      entry.put("sha256", objective.sha256());
      entry.put("mpo", objective.mpo()); // as best.json has it
      return entry;
    }).toList());
    root.put("seeds", seeds);
    root.put("grid", config.points());
    root.putAll(config.training().json());
    List<Map<String, Object>> used = datasets.stream().map(d -> {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", d.name());
      entry.put("directory", d.directory().toAbsolutePath().normalize().toString());
      entry.put("task", d.task());
      entry.put("quality", d.manifest().config().quality());
      entry.put("pairs", d.manifest().counts().pairs());
      entry.put("manifest_sha256", d.manifestSha256());
      return entry;
    }).toList();
    root.put("datasets", used);
    try {
      return JsonFiles.MAPPER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode benchmark.json: " + e.getMessage(), e);
    }
  }
}
