package dev.mirrorpo.pipelines;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * benchmark.json: how a benchmark was made (command, code version, preset, seeds, runner) and with
 * which datasets (directory and manifest SHA-256), so that its tables can be traced and rerun.
 */
final class BenchmarkSummaryJson {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private BenchmarkSummaryJson() {}

  static String of(BenchmarkConfig config, List<String> algorithms, int seeds,
      List<BenchmarkPipeline.Dataset> datasets, DatasetPipeline.Origin origin, String runner) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("format", "mirrorpo-benchmark");
    root.put("format_version", 1);
    root.putAll(origin.fields());
    root.put("runner", runner);
    root.put("config_file", config.file().toAbsolutePath().normalize().toString());
    root.put("algorithms", algorithms);
    root.put("seeds", seeds);
    root.put("grid", config.grid());
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
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode benchmark.json: " + e.getMessage(), e);
    }
  }
}
