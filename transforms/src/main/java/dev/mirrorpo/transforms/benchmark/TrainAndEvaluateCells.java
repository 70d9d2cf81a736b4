package dev.mirrorpo.transforms.benchmark;

import dev.mirrorpo.learning.objectives.Objective;
import dev.mirrorpo.learning.training.TrainingResult;
import dev.mirrorpo.schemas.BenchmarkResult;
import dev.mirrorpo.transforms.training.CellSettings;
import dev.mirrorpo.transforms.training.TrainAndEvaluate;
import dev.mirrorpo.transforms.work.WorkItems;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * Benchmark cells, handed to the workers one at a time as they become free ({@link WorkItems}) → train
 * offline with the cell's objective (a known one, or a discovered MPO objective whose ζ the cell carries)
 * and evaluate online with the true reward → one {@link BenchmarkResult} per cell, which the worker writes and
 * seals at once in the cell's own directory under the results directory ({@link CellResults}), so a finished cell
 * survives whatever happens to the rest of the pipeline. A retried item whose cell is sealed already is read
 * back instead of trained again: the write is the one side effect, and it happens once. A cell whose training
 * diverges yields a result with status DIVERGED and a NaN return; it never fails the pipeline.
 */
public final class TrainAndEvaluateCells extends PTransform<PBegin, PCollection<BenchmarkResult>> {
  /** Counter of finished cells, for progress displays. */
  public static final String CELLS_COUNTER = "cells";

  private final List<BenchmarkCell> cells;
  private final CellSettings settings;
  private final String results;

  private TrainAndEvaluateCells(List<BenchmarkCell> cells, CellSettings settings, String results) {
    this.cells = cells;
    this.settings = settings;
    this.results = results;
  }

  /** @param results the dataset's results directory, which every worker must see at this path */
  public static TrainAndEvaluateCells of(List<BenchmarkCell> cells, CellSettings settings, Path results) {
    return new TrainAndEvaluateCells(List.copyOf(cells), settings, results.toAbsolutePath().normalize().toString());
  }

  @Override
  public PCollection<BenchmarkResult> expand(PBegin begin) {
    return begin.apply("TrainAndEvaluateEachCell", WorkItems.of(cells, new TrainAndEvaluateCell(settings, results),
        AvroCoder.specific(BenchmarkResult.class)));
  }

  static final class TrainAndEvaluateCell implements WorkItems.Work<BenchmarkCell, BenchmarkResult> {
    private final Counter cellsDone = Metrics.counter(TrainAndEvaluateCells.class, CELLS_COUNTER);
    private final CellSettings settings;
    private final String results;

    TrainAndEvaluateCell(CellSettings settings, String results) {
      this.settings = settings;
      this.results = results;
    }

    @Override
    public List<BenchmarkResult> run(BenchmarkCell cell) {
      Path directory = Path.of(results);
      if (CellResults.isSealed(directory, cell)) {
        return List.of(CellResults.read(directory, cell));
      }
      BenchmarkResult result = TrainAndEvaluateCells.run(cell, settings);
      CellResults.write(directory, cell, result);
      cellsDone.inc();
      return List.of(result);
    }
  }

  /** Trains and evaluates one cell; the pure core of the work. */
  static BenchmarkResult run(BenchmarkCell cell, CellSettings settings) {
    Objective objective = cell.objective();
    TrainAndEvaluate.Outcome outcome = TrainAndEvaluate.run(settings, cell.datasetPath(), objective, cell.seed());
    TrainingResult training = outcome.training();
    return BenchmarkResult.newBuilder()
        .setTask(settings.evaluationTask())
        .setDataset(cell.dataset())
        .setDatasetPath(cell.datasetPath())
        .setDatasetSha256(cell.datasetSha256())
        .setAlgorithm(cell.algorithm())
        .setGridPoint(cell.gridPoint())
        .setHyperParameters(new TreeMap<>(objective.hyperParameters()))
        .setSeed(cell.seed())
        .setStatus(training.status().name())
        .setMessage(training.message())
        .setSteps(training.steps())
        .setEpochLosses(training.epochLosses())
        .setMeanReturn(outcome.meanReturn())
        .setStandardError(outcome.standardError())
        .setEpisodes(settings.episodes())
        .setEvaluationSeed(settings.evaluationSeed())
        .setTrainSeconds(outcome.trainSeconds())
        .setEvaluateSeconds(outcome.evaluateSeconds())
        .setPolicySha256(outcome.policySha256())
        .setObjectiveSha256(cell.objectiveSha256())
        .build();
  }
}
