package dev.mirrorpo.transforms.datasets;

import dev.mirrorpo.learning.training.PairedTrajectories;
import dev.mirrorpo.schemas.PreferencePair;
import dev.mirrorpo.schemas.Trajectory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the Parquet files of a preference dataset into the trainer's in-memory form, in pair-index
 * order whatever the file layout. Rows are converted to primitive arrays as they stream by: Avro's
 * boxed float lists of a paper-size dataset would not fit next to the result.
 */
public final class PairedTrajectoriesReader {
  private PairedTrajectoriesReader() {}

  /**
   * @throws IllegalArgumentException naming the file for unreadable files, rows of different tasks or
   *     shapes, and pair indices that are missing, repeated or out of range
   */
  public static PairedTrajectories read(List<Path> files) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("a preference dataset needs at least one Parquet file; none given");
    }
    Rows rows = new Rows();
    for (Path file : files) {
      PreferencePairFiles.forEachRow(file, row -> rows.add(file, row));
    }
    return rows.build();
  }

  private static final class Rows {
    private String task;
    private int observationSize;
    private int actionSize;
    private float[][][] pairs = new float[64][][];
    private int count;

    void add(Path file, PreferencePair row) {
      if (task == null) {
        task = row.getTask().toString();
        observationSize = row.getObservationSize();
        actionSize = row.getActionSize();
      } else if (!task.equals(row.getTask().toString()) || observationSize != row.getObservationSize()
          || actionSize != row.getActionSize()) {
        throw new IllegalArgumentException("Parquet file " + file + " mixes tasks: pair " + row.getPairIndex()
            + " is " + row.getTask() + " (" + row.getObservationSize() + " observations, " + row.getActionSize()
            + " actions), earlier pairs are " + task + " (" + observationSize + ", " + actionSize + ")");
      }
      long index = row.getPairIndex();
      if (index < 0 || index >= Integer.MAX_VALUE) {
        throw new IllegalArgumentException("Parquet file " + file + " has pair index " + index + " out of range");
      }
      int i = (int) index;
      while (i >= pairs.length) {
        pairs = Arrays.copyOf(pairs, pairs.length * 2);
      }
      if (pairs[i] != null) {
        throw new IllegalArgumentException("Parquet file " + file + " repeats pair " + index
            + "; the dataset directory holds files of two generations; regenerate it");
      }
      pairs[i] = new float[][] {floats(row.getChosen().getObservations()), floats(row.getChosen().getActions()),
          floats(row.getRejected().getObservations()), floats(row.getRejected().getActions())};
      check(file, index, row.getChosen());
      check(file, index, row.getRejected());
      count = Math.max(count, i + 1);
    }

    private void check(Path file, long index, Trajectory trajectory) {
      int length = trajectory.getLength();
      if (length < 1 || trajectory.getObservations().size() != length * observationSize
          || trajectory.getActions().size() != length * actionSize) {
        throw new IllegalArgumentException("Parquet file " + file + ": pair " + index + " has a trajectory of length "
            + length + " with " + trajectory.getObservations().size() + " observation and "
            + trajectory.getActions().size() + " action values; it is corrupt, regenerate the dataset");
      }
    }

    PairedTrajectories build() {
      if (count == 0) {
        throw new IllegalArgumentException("the preference dataset holds no pairs");
      }
      PairedTrajectories.Builder builder = PairedTrajectories.builder(task, observationSize, actionSize);
      for (int i = 0; i < count; i++) {
        if (pairs[i] == null) {
          throw new IllegalArgumentException("the preference dataset lacks pair " + i + " of 0.." + (count - 1)
              + "; a file is missing, regenerate the dataset");
        }
        builder.add(pairs[i][0], pairs[i][1], pairs[i][2], pairs[i][3]);
        pairs[i] = null; // let the builder's copy be the only one
      }
      return builder.build();
    }

    private static float[] floats(List<Float> values) {
      float[] array = new float[values.size()];
      for (int i = 0; i < array.length; i++) {
        array[i] = values.get(i);
      }
      return array;
    }
  }
}
