package dev.mirrorpo.learning.data;

import dev.mirrorpo.envs.Task;
import dev.mirrorpo.envs.Tasks;
import dev.mirrorpo.learning.TorchThreads;
import dev.mirrorpo.learning.policy.Agent;
import dev.mirrorpo.learning.policy.AgentFile;
import dev.mirrorpo.learning.policy.AgentFileException;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.schemas.PreferencePair;
import dev.mirrorpo.schemas.SchemaVersions;
import dev.mirrorpo.schemas.Trajectory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Makes the rows of a preference dataset: both sides of each pair played from the same start
 * state, the pair labelled by the Bradley-Terry judge, the label flipped with probability ε. Holds
 * the two agents' policies; one instance per thread.
 */
public final class PreferencePairGenerator implements AutoCloseable {
  private final PairGenerationSpec spec;
  private final Task task;
  private final BradleyTerryJudge judge;
  private final Map<AgentRole, GaussianPolicy> policies = new EnumMap<>(AgentRole.class);

  /**
   * @throws IllegalArgumentException if an agent file is unusable, cannot act in the task, or the
   *     target agent was trained on another task
   */
  public PreferencePairGenerator(PairGenerationSpec spec) {
    this.spec = spec;
    this.task = Tasks.byName(spec.task());
    this.judge = spec.judge();
    try {
      policies.put(AgentRole.TARGET, load(AgentRole.TARGET, spec.target()));
      policies.put(AgentRole.ORIGINAL, load(AgentRole.ORIGINAL, spec.original()));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private GaussianPolicy load(AgentRole role, AgentSource source) {
    Agent agent;
    try {
      agent = AgentFile.parse(source.json(), Path.of(source.name()));
    } catch (AgentFileException e) {
      throw new IllegalArgumentException(role + " agent: " + e.getMessage(), e);
    }
    try {
      agent.requireCompatible(task);
      // The target is the behaviour the dataset teaches on this task; an agent of another task
      // here is almost always target and original swapped.
      if (role == AgentRole.TARGET && !agent.task().equals(task.name())) {
        throw new IllegalArgumentException("it was trained on " + agent.task() + ", but the dataset is played and"
            + " judged on " + task.name() + "; the target agent must be trained on " + task.name()
            + " (are target and original swapped?)");
      }
    } catch (IllegalArgumentException e) {
      agent.policy().close();
      throw new IllegalArgumentException(role + " agent " + source.name() + ": " + e.getMessage(), e);
    }
    return agent.policy();
  }

  /**
   * The rows of the pairs of {@code batch}, in pair order. Every trajectory of an agent in the
   * batch is played in one batch of environments.
   */
  public List<PreferencePair> generate(PairRange batch) {
    TorchThreads.applyToCurrentThread();
    int n = batch.count();
    PairDraws[] draws = new PairDraws[n];
    for (int p = 0; p < n; p++) {
      draws[p] = PairDraws.of(spec.seed(), spec.quality(), batch.first() + p);
    }
    Trajectory[][] sides = new Trajectory[n][2];
    for (AgentRole role : AgentRole.values()) {
      List<int[]> slots = new ArrayList<>();
      for (int p = 0; p < n; p++) {
        for (int side = 0; side < 2; side++) {
          if (draws[p].roles()[side] == role) {
            slots.add(new int[] {p, side});
          }
        }
      }
      if (slots.isEmpty()) {
        continue;
      }
      long[] startSeeds = new long[slots.size()];
      long[] noiseSeeds = new long[slots.size()];
      for (int k = 0; k < slots.size(); k++) {
        PairDraws pair = draws[slots.get(k)[0]];
        startSeeds[k] = pair.startSeed();
        noiseSeeds[k] = pair.noiseSeeds()[slots.get(k)[1]];
      }
      List<Trajectory> played = EpisodeRecorder.play(task, policies.get(role), role, startSeeds, noiseSeeds,
          spec.length());
      for (int k = 0; k < slots.size(); k++) {
        sides[slots.get(k)[0]][slots.get(k)[1]] = played.get(k);
      }
    }
    List<PreferencePair> rows = new ArrayList<>(n);
    for (int p = 0; p < n; p++) {
      rows.add(label(draws[p], sides[p][0], sides[p][1]));
    }
    return rows;
  }

  private PreferencePair label(PairDraws draws, Trajectory first, Trajectory second) {
    boolean firstChosen = judge.prefersFirst(first.getTrueReturn(), second.getTrueReturn(), draws.judgeDraw());
    boolean flipped = draws.flipDraw() < spec.noise();
    if (flipped) {
      firstChosen = !firstChosen;
    }
    Trajectory chosen = firstChosen ? first : second;
    Trajectory rejected = firstChosen ? second : first;
    return PreferencePair.newBuilder()
        .setSchemaVersion(SchemaVersions.PREFERENCE_PAIR)
        .setPairIndex(draws.pairIndex())
        .setStartSeed(draws.startSeed())
        .setTask(task.name())
        .setObservationSize(task.observationSize())
        .setActionSize(task.actionSize())
        .setChosen(chosen)
        .setRejected(rejected)
        .setJudgeProbability(judge.probabilityPrefers(chosen.getTrueReturn(), rejected.getTrueReturn()))
        .setFlipped(flipped)
        .setPairType(PairType.of(draws.roles()[0], draws.roles()[1]).label())
        .build();
  }

  @Override
  public void close() {
    policies.values().forEach(GaussianPolicy::close);
    policies.clear();
  }
}
