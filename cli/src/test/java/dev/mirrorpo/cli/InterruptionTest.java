package dev.mirrorpo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The line a stopped command ends with names what it keeps, by command and subcommand. */
class InterruptionTest {
  @Test
  void eachCommandThatWritesSaysWhatItKeepsAndTheOthersThatNothingWasLost() {
    assertTrue(Interruption.whatIsKept(new String[] {"evolve", "--config", "configs/quick.yaml"})
        .startsWith("finished generations are kept"));
    assertTrue(Interruption.whatIsKept(new String[] {"--verbose", "benchmark", "--config", "x.yaml"})
        .startsWith("the results of finished cells are kept"));
    assertTrue(Interruption.whatIsKept(new String[] {"sweep", "--config", "configs/nightly.yaml"})
        .startsWith("the night's finished cells and search generations are kept"));
    assertTrue(Interruption.whatIsKept(new String[] {"dataset", "generate", "--config", "x.yaml"})
        .startsWith("no dataset was written"));
    assertTrue(Interruption.whatIsKept(new String[] {"agents", "train", "--env", "hopper"})
        .startsWith("the last checkpoint beside --out is kept"));
    assertEquals("nothing that had been written was lost",
        Interruption.whatIsKept(new String[] {"dataset", "inspect", "runs/datasets/quick-base"}));
  }
}
