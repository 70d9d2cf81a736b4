package dev.mirrorpo.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mirrorpo.learning.io.JsonLines;
import dev.mirrorpo.learning.mpo.MpoConfig;
import dev.mirrorpo.learning.objectives.Objective;
import dev.mirrorpo.learning.objectives.Objectives;
import dev.mirrorpo.learning.training.PairedTrajectories;
import dev.mirrorpo.learning.training.TrainerConfig;
import dev.mirrorpo.transforms.datasets.PairedTrajectoriesReader;
import dev.mirrorpo.transforms.datasets.PreferencePairFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainer's throughput benchmarks (docs/benchmarks.md), one JSON line per figure: one candidate against
 * the same loop in JAX, and K candidates trained as one batched program against one at a time and against
 * JAX's vmap. Measurements alternate in rounds and medians are reported, so that a slow phase of a noisy
 * machine hits every side alike.
 */
public final class TrainerBench {
  private TrainerBench() {}

  /** The JAX reference (bench/reference/) to measure against: a Python with jax and the script. */
  public record Reference(Path python, Path script) {
    /** The reference if a Python was given, else null; one message if it cannot run. */
    public static Reference of(Path python, Path script) {
      if (python == null) {
        return null;
      }
      if (!Files.isExecutable(python)) {
        throw new IllegalArgumentException("no Python at --reference-python " + python
            + "; make bench-reference creates .venv-bench-reference/bin/python");
      }
      if (!Files.isRegularFile(script)) {
        throw new IllegalArgumentException("no JAX reference script at " + script
            + "; run from the project root or pass --reference-script");
      }
      return new Reference(python, script);
    }
  }

  /**
   * @param seconds least seconds of training per measurement
   * @param rounds alternating rounds of every measurement; medians are reported
   * @param reference the JAX reference, or null to measure the Java trainer alone
   */
  public record Settings(Path dataset, double seconds, int rounds, Reference reference) {
    public Settings {
      if (!(seconds > 0) || rounds < 1) {
        throw new IllegalArgumentException("--seconds must be positive and --rounds at least 1");
      }
    }
  }

  /** One candidate trained by OfflineTrainer, against the same loop in JAX if a reference is given. */
  public static void trainer(Settings settings, Objective objective, boolean json, PrintWriter out) {
    Path dataset = settings.dataset();
    double seconds = settings.seconds();
    int rounds = settings.rounds();
    Reference jax = settings.reference();
    if (settings.reference() != null) {
      if (!objective.name().equals("orpo") || !objective.hyperParameters().equals(Objectives.defaults("orpo"))) {
        throw new IllegalArgumentException("the JAX reference implements orpo with its defaults only, not "
            + objective.name() + " " + objective.hyperParameters());
      }
    }
    PairedTrajectories data = PairedTrajectoriesReader.read(datasetFiles(dataset));
    TrainerThroughput trainer = new TrainerThroughput(data, objective);

    Path init = null;
    double javaFirstLoss = objective.needsReference() ? Double.NaN : trainer.firstBatchLoss();
    double[] java = new double[rounds];
    double[] javaUpdates = new double[rounds];
    double[] javaCpu = new double[rounds];
    double[] reference = new double[rounds];
    double[] referencePadded = new double[rounds];
    double[] referenceCpu = new double[rounds];
    double[] sgemm = new double[rounds];
    JsonNode referenceLine = null;
    int epochs;
    try {
      if (jax != null) {
        init = Files.createTempFile("mirrorpo-trainer-bench", ".json");
        trainer.writeInitialPolicy(init);
      }
      epochs = trainer.epochsFor(seconds);
      // Alternate the two so that a slow phase of a noisy machine hits both alike.
      for (int r = 0; r < rounds; r++) {
        if (jax != null) {
          referenceLine = TrainerThroughput.runReference(jax, dataset, objective.name(),
              seconds, init);
          reference[r] = referenceLine.get("steps_per_s").asDouble();
          referencePadded[r] = referenceLine.get("padded_steps_per_s").asDouble();
          referenceCpu[r] = referenceLine.get("cpu_per_wall").asDouble();
          checkSameLoss(javaFirstLoss, referenceLine.get("first_batch_loss").asDouble());
        }
        TrainerThroughput.Measurement measurement = trainer.measure(epochs);
        java[r] = measurement.stepsPerSecond();
        javaUpdates[r] = measurement.updatesPerSecond();
        javaCpu[r] = measurement.cpuPerWall();
        sgemm[r] = SgemmRate.gflops(Math.min(1, seconds));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the reference's initial policy (" + e + ")", e);
    } finally {
      if (init != null) {
        try {
          Files.deleteIfExists(init);
        } catch (IOException ignored) {
          // a temporary file; nothing to report
        }
      }
    }

    double javaMedian = median(java);
    if (json) {
      Map<String, Object> fields = trainerBenchFields("trainer_throughput", objective.name(), dataset, data,
          trainer.stepsPerEpoch());
      fields.put("minibatch_pairs", TrainerConfig.paper().minibatchPairs());
      fields.put("java_steps_per_s", Math.round(javaMedian));
      fields.put("java_updates_per_s", round(median(javaUpdates), 1));
      if (referenceLine != null) {
        double referenceMedian = median(reference);
        fields.put("jax_steps_per_s", Math.round(referenceMedian));
        fields.put("jax_padded_steps_per_s", Math.round(median(referencePadded)));
        fields.put("ratio", round(javaMedian / referenceMedian, 3));
      }
      putRates(fields, "java", javaMedian, trainer.flopsPerStep(), median(sgemm));
      if (referenceLine != null) {
        fields.put("jax_gflops", round(median(reference) * trainer.flopsPerStep() / 1e9, 3));
      }
      fields.put("rounds", rounds);
      fields.put("seconds_per_measurement", seconds);
      fields.put("java_epochs_per_measurement", epochs);
      fields.put("java_cpu_per_wall", round(median(javaCpu), 2));
      if (referenceLine != null) {
        fields.put("jax_cpu_per_wall", round(median(referenceCpu), 2));
        fields.put("jax_padding_fraction", referenceLine.get("padding_fraction").asDouble());
        fields.put("jax", referenceLine.get("jax").asText());
      }
      if (!Double.isNaN(javaFirstLoss)) {
        fields.put("first_batch_loss", round(javaFirstLoss, 6));
      }
      if (referenceLine != null) {
        fields.put("jax_first_batch_loss", round(referenceLine.get("first_batch_loss").asDouble(), 6));
      }
      out.println(JsonLines.line(fields));
    } else {
      out.printf("%s on %s (%d pairs, %d steps per epoch): %.0f trajectory steps/s (%.1f updates/s) in the Java "
          + "trainer%s%n", objective.name(), dataset, data.pairs(), trainer.stepsPerEpoch(), javaMedian,
          median(javaUpdates), referenceLine == null ? ""
              : String.format(" vs %.0f in JAX: ratio %.3f", median(reference), javaMedian / median(reference)));
    }
  }

  /** K MPO candidates trained as one batched program, against one alone (and JAX's vmap), one line per K. */
  public static void population(Settings settings, List<Integer> members, boolean twoStep, boolean json,
      PrintWriter out) {
    Path dataset = settings.dataset();
    double seconds = settings.seconds();
    int rounds = settings.rounds();
    Reference jax = settings.reference();
    if (members.stream().anyMatch(k -> k < 1)) {
      throw new IllegalArgumentException("every --members must be at least 1");
    }
    if (settings.reference() != null) {
      if (twoStep) {
        throw new IllegalArgumentException("the JAX reference implements one-step MPO only");
      }
    }
    MpoConfig mpo = twoStep ? MpoConfig.twoStep(true, false) : MpoConfig.oneStep(true, true, false);
    PairedTrajectories data = PairedTrajectoriesReader.read(datasetFiles(dataset));
    PopulationThroughput bench = new PopulationThroughput(data, mpo);
    int largest = Math.max(1, members.stream().mapToInt(Integer::intValue).max().orElse(1));
    Path init = null;
    double[] javaFirstLosses = null;
    if (jax != null) {
      try {
        init = Files.createTempFile("mirrorpo-population-bench", ".json");
      } catch (IOException e) {
        throw new IllegalStateException("cannot create the reference's start file (" + e + ")", e);
      }
      JaxReference.write(init, bench.referenceStart(largest));
      javaFirstLosses = bench.firstBatchLosses(largest);
    }
    int aloneEpochs = BenchStart.epochsFor(seconds, bench.oneAtATime(1).seconds());
    int[] batchedEpochs = new int[members.size()];
    for (int m = 0; m < members.size(); m++) {
      batchedEpochs[m] = BenchStart.epochsFor(seconds, bench.batched(members.get(m), 1).seconds());
    }
    double[] alone = new double[rounds];
    double[][] batched = new double[members.size()][rounds];
    double[] sgemm = new double[rounds];
    double[] jaxSingle = new double[rounds];
    double[][] jaxVmap = new double[members.size()][rounds];
    String jaxVersion = null;
    try {
      // Alternate so that a slow phase of a noisy machine hits every measurement alike.
      for (int r = 0; r < rounds; r++) {
        if (init != null) {
          JsonNode single = runPopulationReference(jax, dataset, init, 1, seconds,
              javaFirstLosses);
          jaxSingle[r] = single.get("candidate_steps_per_s").asDouble();
          jaxVersion = single.get("jax").asText();
        }
        alone[r] = bench.oneAtATime(aloneEpochs).candidateStepsPerSecond();
        for (int m = 0; m < members.size(); m++) {
          if (init != null) {
            jaxVmap[m][r] = runPopulationReference(jax, dataset, init, members.get(m),
                seconds, javaFirstLosses).get("candidate_steps_per_s").asDouble();
          }
          batched[m][r] = bench.batched(members.get(m), batchedEpochs[m]).candidateStepsPerSecond();
        }
        sgemm[r] = SgemmRate.gflops(Math.min(1, seconds));
      }
    } finally {
      if (init != null) {
        try {
          Files.deleteIfExists(init);
        } catch (IOException ignored) {
          // a temporary file; nothing to report
        }
      }
    }
    double aloneMedian = median(alone);
    for (int m = 0; m < members.size(); m++) {
      double batchedMedian = median(batched[m]);
      if (json) {
        Map<String, Object> fields = trainerBenchFields("population_training", "mpo", dataset, data,
            bench.stepsPerEpoch());
        fields.put("mpo", mpo.describe());
        fields.put("members", members.get(m));
        fields.put("one_at_a_time_candidate_steps_per_s", Math.round(aloneMedian));
        fields.put("batched_candidate_steps_per_s", Math.round(batchedMedian));
        fields.put("ratio", round(batchedMedian / aloneMedian, 3));
        putRates(fields, "batched", batchedMedian, bench.flopsPerStep(), median(sgemm));
        if (init != null) {
          double vmapMedian = median(jaxVmap[m]);
          double singleMedian = median(jaxSingle);
          fields.put("jax_vmap_candidate_steps_per_s", Math.round(vmapMedian));
          fields.put("ratio_to_jax_vmap", round(batchedMedian / vmapMedian, 3));
          fields.put("jax_single_candidate_steps_per_s", Math.round(singleMedian));
          fields.put("ratio_to_jax_single", round(batchedMedian / singleMedian, 3));
          fields.put("jax", jaxVersion);
        }
        fields.put("rounds", rounds);
        fields.put("seconds_per_measurement", seconds);
        out.println(JsonLines.line(fields));
      } else {
        out.printf("K = %d: %.0f candidate steps/s batched vs %.0f one at a time: ratio %.2f%s%n", members.get(m),
            batchedMedian, aloneMedian, batchedMedian / aloneMedian, init == null ? ""
                : String.format("; vs JAX's vmap %.0f: ratio %.3f", median(jaxVmap[m]),
                    batchedMedian / median(jaxVmap[m])));
      }
    }
  }

  /**
   * The K-candidate JAX reference once, checked to compute the same first-minibatch losses as the Java trainer.
   */
  private static JsonNode runPopulationReference(Reference jax, Path dataset, Path init, int members,
      double seconds, double[] javaFirstLosses) {
    JsonNode line = JaxReference.run(List.of(jax.python().toString(), jax.script().toString(), "--dataset",
        dataset.toString(),
        "--init", init.toString(), "--members", Integer.toString(members), "--seconds", Double.toString(seconds)),
        seconds);
    JsonNode losses = line.get("first_batch_losses");
    for (int k = 0; k < members; k++) {
      checkSameLoss(javaFirstLosses[k], losses.get(k).asDouble());
    }
    return line;
  }
  /**
   * The trainer's achieved rate in GFLOP/s of its matrix products (steps/s × FLOP per step) beside this core's
   * large-sgemm rate measured in the same run, and their ratio: the distance to the physical limit.
   */
  private static void putRates(Map<String, Object> fields, String side, double stepsPerSecond, long flopsPerStep,
      double sgemmGflops) {
    double gflops = stepsPerSecond * flopsPerStep / 1e9;
    fields.put("flop_per_step", flopsPerStep);
    fields.put(side + "_gflops", round(gflops, 3));
    fields.put("sgemm_gflops", round(sgemmGflops, 2));
    fields.put(side + "_fraction_of_sgemm", round(gflops / sgemmGflops, 4));
  }
  /** The fields every trainer bench line starts with: what was measured on which data. */
  private static Map<String, Object> trainerBenchFields(String benchmark, String objective, Path dataset,
      PairedTrajectories data, long stepsPerEpoch) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("bench", "trainer");
    fields.put("benchmark", benchmark);
    fields.put("objective", objective);
    fields.put("dataset", dataset.toString());
    fields.put("task", data.task());
    fields.put("pairs", data.pairs());
    fields.put("dataset_steps", stepsPerEpoch);
    return fields;
  }
  static List<Path> datasetFiles(Path dataset) {
    if (!Files.isDirectory(dataset)) {
      throw new IllegalArgumentException("no dataset directory " + dataset
          + "; make one with 'mirrorpo dataset generate --config configs/quick.yaml --out " + dataset + "'");
    }
    return PreferencePairFiles.verified(dataset).files();
  }
  /** The reference must compute the trainer's loss, or its speed says nothing about ours. */
  private static void checkSameLoss(double java, double jax) {
    if (!(Math.abs(java - jax) <= 1e-4 * Math.max(1, Math.abs(java)))) {
      throw new IllegalStateException("the JAX reference computes another loss on the first minibatch under the same "
          + "initial policy (" + jax + ", the trainer " + java + "); it is not the same training loop");
    }
  }
  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
  static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }
}
