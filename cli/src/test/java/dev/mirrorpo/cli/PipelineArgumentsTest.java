package dev.mirrorpo.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.pipelines.DatasetPipeline;
import dev.mirrorpo.pipelines.SearchPipeline;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineArgumentsTest {
  @Test
  void flagsAsTheOtherCommandsWriteThemReachBeamAsItsOptions() {
    assertArrayEquals(new String[] {"--config=configs/quick.yaml", "--mlflowUri=http://h:5000",
        "--candidatesPerBatch=2", "--runner=FlinkRunner", "--out=runs/x"},
        PipelineArguments.toBeam(List.of("--config", "configs/quick.yaml", "--mlflow-uri", "http://h:5000",
            "--candidates-per-batch=2", "--runner=FlinkRunner", "--out=runs/x"), SearchPipeline.Options.class));
    assertArrayEquals(new String[] {"--overwrite=true", "--out=d"},
        PipelineArguments.toBeam(List.of("--overwrite", "--out", "d"), DatasetPipeline.Options.class));
  }

  @Test
  void eachMistakeIsOneLineSayingHowToWriteIt() {
    String unknown = assertThrows(IllegalArgumentException.class, () -> PipelineArguments.toBeam(
        List.of("--confg", "configs/quick.yaml"), SearchPipeline.Options.class)).getMessage();
    assertTrue(unknown.contains("unknown option --confg") && unknown.contains("--config"), unknown);
    String runner = assertThrows(IllegalArgumentException.class, () -> PipelineArguments.toBeam(
        List.of("--runner", "FlinkRunner"), SearchPipeline.Options.class)).getMessage();
    assertTrue(runner.contains("e.g. --runner=FlinkRunner"), runner);
    String noValue = assertThrows(IllegalArgumentException.class, () -> PipelineArguments.toBeam(
        List.of("--out"), SearchPipeline.Options.class)).getMessage();
    assertTrue(noValue.contains("--out needs a value"), noValue);
    String stray = assertThrows(IllegalArgumentException.class, () -> PipelineArguments.toBeam(
        List.of("configs/quick.yaml"), SearchPipeline.Options.class)).getMessage();
    assertTrue(stray.contains("unexpected argument 'configs/quick.yaml'"), stray);
  }

  @Test
  void helpListsThePipelinesOwnOptionsWithTheirDescriptions() {
    String help = PipelineArguments.help(SearchPipeline.Options.class);
    assertTrue(help.contains("--candidates-per-batch=VALUE") && help.contains("Run directory of a search to continue"),
        help);
    assertTrue(PipelineArguments.help(DatasetPipeline.Options.class).contains("--overwrite "), "a flag takes no value");
  }
}
