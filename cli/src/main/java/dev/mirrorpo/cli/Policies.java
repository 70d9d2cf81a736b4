package dev.mirrorpo.cli;

import dev.mirrorpo.envs.PolicyFactory;
import dev.mirrorpo.envs.SimplePolicies;
import dev.mirrorpo.envs.Task;
import dev.mirrorpo.learning.policy.Agent;
import dev.mirrorpo.learning.policy.AgentFile;
import java.nio.file.Path;

/** Resolves a `--policy` argument: a built-in policy name or an agent file. */
final class Policies {
  private Policies() {}

  /** A policy that can act in {@code task}; agent files are checked against it. */
  static PolicyFactory resolve(String policy, Task task) {
    if (SimplePolicies.NAMES.contains(policy)) {
      return SimplePolicies.byName(policy, task);
    }
    if (!policy.endsWith(AgentFile.SUFFIX)) {
      throw new IllegalArgumentException("unknown policy '" + policy + "'; valid policies: "
          + String.join(", ", SimplePolicies.NAMES) + ", or an agent file (*" + AgentFile.SUFFIX + ")");
    }
    Agent agent = AgentFile.read(Path.of(policy));
    agent.requireCompatible(task);
    return agent.policy().sampler();
  }
}
