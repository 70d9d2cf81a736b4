package dev.mirrorpo.learning.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorpo.envs.EpisodeStats;
import java.util.Map;

/** One-line JSON output: the commands' `--json` mode and the benchmarks' figures. */
public final class JsonLines {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonLines() {}

  public static String line(Map<String, ?> fields) {
    try {
      return MAPPER.writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  /** Adds the figures every evaluation reports: mean return, its standard error, mean length, unstable episodes. */
  public static void putStatistics(Map<String, Object> fields, EpisodeStats stats) {
    fields.put("mean_return", stats.meanReturn());
    fields.put("standard_error", stats.standardError());
    fields.put("mean_length", stats.meanLength());
    fields.put("unstable_episodes", stats.unstableEpisodes());
  }
}
