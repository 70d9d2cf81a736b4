package dev.mirrorpo.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a run's name and source tags say; the runs themselves are checked on a real server by the pipelines' tests. */
class MlflowTrackingTest {
  @Test
  void theSourceIsTheCommandsEntryPointAndTheWholeCommandLineIsKept() {
    String command = "mirrorpo evolve --config /work/configs/quick.yaml --out runs/run-direct/search";
    Map<String, String> tags = MlflowTracking.sourceTags(command, "67923d2", "/work/configs/quick.yaml");
    assertEquals("mirrorpo evolve", tags.get("mlflow.source.name"), "no slash for the UI to cut the name at");
    assertEquals("LOCAL", tags.get("mlflow.source.type"));
    assertEquals("67923d2", tags.get("mlflow.source.git.commit"));
    assertEquals(command, tags.get("mirrorpo.command"));
    assertEquals("/work/configs/quick.yaml", tags.get("mirrorpo.preset"));
  }

  @Test
  void aRunsNameSaysModeTaskDatasetWhatItTrainedAndSeed() {
    assertEquals("search hopper/quick-base seed 1", MlflowTracking.runName("search", "hopper", "quick-base", "", 1));
    assertEquals("benchmark tla/noisy orpo lambda=0.5 seed 3",
        MlflowTracking.runName("benchmark", "tla", "noisy", "orpo lambda=0.5", 3));
  }
}
