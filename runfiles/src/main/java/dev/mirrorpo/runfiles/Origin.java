package dev.mirrorpo.runfiles;

import dev.mirrorpo.learning.NumericEnvironment;
import java.util.LinkedHashMap;
import java.util.Map;

/** Who made an artifact: the command line as typed, the code version and the time (every run file records it). */
public record Origin(String command, String gitCommit, String created) {
  /** The provenance fields every run file records: command, git_commit, created, numerics. */
  public Map<String, Object> fields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("command", command);
    fields.put("git_commit", gitCommit);
    fields.put("created", created);
    fields.put("numerics", numerics());
    return fields;
  }

  /** The numeric environment of the JVM that made the artifact: pinned, or native (CPU-dependent). */
  public String numerics() {
    return NumericEnvironment.mode();
  }
}
