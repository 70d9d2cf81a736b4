package dev.mirrorpo.pipelines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.learning.training.PairedTrajectories;
import dev.mirrorpo.runfiles.Origin;
import dev.mirrorpo.schemas.PreferencePair;
import dev.mirrorpo.transforms.datasets.PairedTrajectoriesReader;
import dev.mirrorpo.transforms.datasets.PreferencePairFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A generated Parquet dataset read into the trainer's form: every pair, in pair order, values intact. */
class PairedTrajectoriesReaderTest {
  @TempDir static Path work;
  private static Path dataset;

  @BeforeAll
  static void generate() {
    TestDatasets.agent(work, "target", "hopper", 1, null);
    TestDatasets.agent(work, "original", "hopper", 2, null);
    Path preset = TestDatasets.preset(work, "tiny", "hopper", "target.agent.json", "original.agent.json",
        "pairs: 12", "length: 20", "seed: 4", "temperature: 1.0", "rollout_batch: 4", "pairs_per_chunk: 4");
    dataset = work.resolve("dataset");
    DatasetPipeline.Options options = DatasetPipeline.options("--runner=DirectRunner", "--targetParallelism=2");
    options.setConfig(preset.toString());
    options.setOut(dataset.toString());
    DatasetPipeline.generate(options, new Origin("test", "unknown", "now"),
        new PrintWriter(new StringWriter()));
  }

  @Test
  void everyPairIsReadInPairOrderWithItsValues() {
    List<Path> files = PreferenceDatasets.dataFiles(dataset);
    assertTrue(files.size() > 1, "the test wants pairs spread over several files");
    PairedTrajectories data = PairedTrajectoriesReader.read(files);
    assertEquals("hopper", data.task());
    assertEquals(12, data.pairs());

    List<PreferencePair> rows = new ArrayList<>();
    files.forEach(file -> rows.addAll(PreferencePairFiles.readAll(file)));
    for (PreferencePair row : rows) {
      int i = (int) row.getPairIndex();
      PairedTrajectories.Side chosen = data.chosen();
      int length = row.getChosen().getLength();
      assertEquals(length, chosen.lengths()[i]);
      float[] observations = Arrays.copyOfRange(chosen.observations(), chosen.offsets()[i] * 11,
          (chosen.offsets()[i] + length) * 11);
      float[] expected = new float[observations.length];
      for (int k = 0; k < expected.length; k++) {
        expected[k] = row.getChosen().getObservations().get(k);
      }
      assertArrayEquals(expected, observations);
      assertEquals(row.getRejected().getLength(), data.rejected().lengths()[i]);
      assertEquals(row.getRejected().getActions().get(0), data.rejected().actions()[data.rejected().offsets()[i] * 3]);
    }
  }

  @Test
  void aMissingFileIsNamedAsAMissingPair() {
    List<Path> files = PreferenceDatasets.dataFiles(dataset);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PairedTrajectoriesReader.read(files.subList(1, files.size())));
    assertTrue(e.getMessage().contains("lacks pair") || e.getMessage().contains("holds no pairs"), e.getMessage());
  }
}
