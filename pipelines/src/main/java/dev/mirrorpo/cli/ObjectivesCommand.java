package dev.mirrorpo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mirrorpo.learning.io.Directories;
import dev.mirrorpo.learning.mpo.MpoConfig;
import dev.mirrorpo.learning.objectives.LossLandscape;
import dev.mirrorpo.learning.objectives.Objective;
import dev.mirrorpo.learning.objectives.Objectives;
import dev.mirrorpo.learning.training.PairedTrajectories;
import dev.mirrorpo.learning.training.TrainerConfig;
import dev.mirrorpo.pipelines.LandscapeImage;
import dev.mirrorpo.transforms.datasets.PairedTrajectoriesReader;
import dev.mirrorpo.transforms.datasets.PreferencePairFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** `mirrorpo objectives ...`: the preference-optimization objectives and their loss landscapes. */
@Command(name = "objectives", mixinStandardHelpOptions = true, subcommands = EvaluationThroughput.class,
    description = "The preference-optimization objectives: list them, draw their loss landscapes, benchmark the"
        + " trainer.")
final class ObjectivesCommand {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Command(name = "list", description = "List the objectives with their hyper-parameters' defaults.")
  int list(@Option(names = "--json", description = "One JSON line per objective.") boolean json) {
    PrintWriter out = spec.commandLine().getOut();
    for (String name : Objectives.names()) {
      Objective objective = Objectives.create(name, Map.of());
      if (json) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("algo", name);
        fields.put("needs_reference", objective.needsReference());
        fields.put("defaults", Objectives.defaults(name));
        out.println(Json.line(fields));
      } else {
        out.printf("%-24s %-9s %s%n", name, objective.needsReference() ? "two-step" : "one-step",
            Objectives.defaults(name));
      }
    }
    return 0;
  }

  @Command(name = "landscape",
      description = {"The loss and its gradients w.r.t. log π(τ_w) and log π(τ_l) over a grid of per-step "
          + "log-likelihoods a_w, a_l (the MPO paper's Figures 1–4).",
          "Sums are s = a·|τ|·D for --length steps and --action-size dimensions; π_ref, where needed, sits at "
          + "the grid centre for both sides. Gradients are total derivatives along the grid axes."})
  int landscape(
      @Option(names = "--algo", required = true, paramLabel = "NAME",
          description = "Objective name (see `objectives list`).") String algo,
      @Option(names = "--param", paramLabel = "NAME=VALUE", description = "Hyper-parameter override; repeatable.")
          Map<String, Double> params,
      @Option(names = "--grid", required = true, paramLabel = "FROM:TO:STEPS",
          description = "Axis range and points per axis, e.g. -4:-0.1:61 (log-likelihoods, so TO < 0).") String grid,
      @Option(names = "--length", defaultValue = "" + LossLandscape.NOMINAL_LENGTH, paramLabel = "STEPS",
          description = "Nominal trajectory length |τ| (default: ${DEFAULT-VALUE}).") int length,
      @Option(names = "--action-size", defaultValue = "" + LossLandscape.NOMINAL_ACTION_SIZE, paramLabel = "D",
          description = "Nominal action dimensions D (default: ${DEFAULT-VALUE}, Hopper).") int actionSize,
      @Option(names = "--json", description = "Print one JSON object: axes, loss and both gradient matrices.")
          boolean json,
      @Option(names = "--png", paramLabel = "FILE", description = "Write a heat map of the three matrices.") Path png) {
    if (png != null) {
      Directories.requireWritableFile(png, "--png");
    }
    Objective objective = Objectives.create(algo, params == null ? Map.of() : params);
    GridSpec axis = GridSpec.parse(grid);
    LossLandscape landscape =
        LossLandscape.evaluate(objective, axis.from(), axis.to(), axis.steps(), length, actionSize);
    if (png != null) {
      LandscapeImage.write(objective, landscape, png);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("algo", objective.name());
      fields.put("params", objective.hyperParameters());
      fields.put("needs_reference", objective.needsReference());
      fields.put("length", length);
      fields.put("action_size", actionSize);
      fields.put("reference_log_likelihood", objective.needsReference() ? landscape.referenceMean() : null);
      fields.put("grid", landscape.grid());
      fields.put("layout", "matrix[i][j] at log_pi_chosen = grid[i], log_pi_rejected = grid[j] "
          + "(per-step, per-dimension mean log-likelihoods)");
      fields.put("loss", finiteOrNull(landscape.loss()));
      fields.put("grad_log_pi_chosen", finiteOrNull(landscape.chosenGradient()));
      fields.put("grad_log_pi_rejected", finiteOrNull(landscape.rejectedGradient()));
      if (png != null) {
        fields.put("png", png.toString());
      }
      out.println(Json.line(fields));
    } else {
      out.printf("%s %s on a %d×%d grid over [%s, %s] (|τ| = %d, D = %d%s)%n", objective.name(),
          objective.hyperParameters(), axis.steps(), axis.steps(), axis.from(), axis.to(), length, actionSize,
          objective.needsReference() ? ", π_ref at " + landscape.referenceMean() : "");
      out.printf("  loss           %s%n", range(landscape.loss()));
      out.printf("  ∂/∂log π(τ_w)  %s%n", range(landscape.chosenGradient()));
      out.printf("  ∂/∂log π(τ_l)  %s%n", range(landscape.rejectedGradient()));
      if (png != null) {
        out.printf("  heat map: %s%n", png);
      }
    }
    return 0;
  }

  @Command(name = "bench",
      description = {"Throughput of the offline trainer: trajectory steps (both sides, unpadded) per second of "
          + "forward, backward and Adam on minibatches of 2 pairs, trained by OfflineTrainer on a dataset.",
          "With --reference-python, the same loop written in JAX (bench/reference/) runs on the same data in "
          + "alternating rounds, and the ratio Java / JAX of the medians is reported (docs/benchmarks.md)."})
  int bench(
      @Option(names = "--dataset", required = true, paramLabel = "DIR",
          description = "Preference dataset directory, e.g. runs/datasets/quick-base.") Path dataset,
      @Option(names = "--objective", defaultValue = "orpo", paramLabel = "NAME",
          description = "Objective (default: ${DEFAULT-VALUE}; the JAX reference implements orpo).") String algo,
      @Option(names = "--param", paramLabel = "NAME=VALUE", description = "Hyper-parameter override; repeatable.")
          Map<String, Double> params,
      @Option(names = "--seconds", defaultValue = "5", paramLabel = "S",
          description = "Least seconds of training per measurement (default: ${DEFAULT-VALUE}).") double seconds,
      @Option(names = "--rounds", defaultValue = "3", paramLabel = "N",
          description = "Alternating rounds of both measurements; medians are reported (default: ${DEFAULT-VALUE}).")
          int rounds,
      @Option(names = "--reference-python", paramLabel = "PATH",
          description = "Python with jax installed (make bench-reference makes .venv-bench-reference).")
          Path referencePython,
      @Option(names = "--reference-script", defaultValue = "bench/reference/trainer_throughput.py", paramLabel = "PATH",
          description = "The JAX reference (default: ${DEFAULT-VALUE}).") Path referenceScript,
      @Option(names = "--json", description = "Print one JSON line.") boolean json) {
    if (!(seconds > 0) || rounds < 1) {
      throw new IllegalArgumentException("--seconds must be positive and --rounds at least 1");
    }
    Objective objective = Objectives.create(algo, params == null ? Map.of() : params);
    if (referencePython != null) {
      if (!objective.name().equals("orpo") || !objective.hyperParameters().equals(Objectives.defaults("orpo"))) {
        throw new IllegalArgumentException("the JAX reference implements orpo with its defaults only, not "
            + objective.name() + " " + objective.hyperParameters());
      }
      checkReference(referencePython, referenceScript);
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
      if (referencePython != null) {
        init = Files.createTempFile("mirrorpo-trainer-bench", ".json");
        trainer.writeInitialPolicy(init);
      }
      epochs = trainer.epochsFor(seconds);
      // Alternate the two so that a slow phase of a noisy machine hits both alike.
      for (int r = 0; r < rounds; r++) {
        if (referencePython != null) {
          referenceLine = TrainerThroughput.runReference(referencePython, referenceScript, dataset, objective.name(),
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
    PrintWriter out = spec.commandLine().getOut();
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
      out.println(Json.line(fields));
    } else {
      out.printf("%s on %s (%d pairs, %d steps per epoch): %.0f trajectory steps/s (%.1f updates/s) in the Java "
          + "trainer%s%n", objective.name(), dataset, data.pairs(), trainer.stepsPerEpoch(), javaMedian,
          median(javaUpdates), referenceLine == null ? ""
              : String.format(" vs %.0f in JAX: ratio %.3f", median(reference), javaMedian / median(reference)));
    }
    return 0;
  }

  /** The Parquet files of a dataset directory, or one message saying why there are none. */
  @Command(name = "bench-population",
      description = {"Population-batched training against one candidate at a time: candidate trajectory steps per "
          + "second of K MPO candidates (ζ₀ + 0.03·ε) trained as one batched program, and of one candidate trained "
          + "alone, on one core, in alternating rounds (docs/benchmarks.md). One line per K."})
  int benchPopulation(
      @Option(names = "--dataset", required = true, paramLabel = "DIR",
          description = "Preference dataset directory, e.g. runs/datasets/quick-base.") Path dataset,
      @Option(names = "--members", defaultValue = "2,4,8,16", split = ",", paramLabel = "K",
          description = "Population sizes to measure (default: ${DEFAULT-VALUE}).") List<Integer> members,
      @Option(names = "--two-step", description = "Two-step MPO (default: one-step).") boolean twoStep,
      @Option(names = "--seconds", defaultValue = "5", paramLabel = "S",
          description = "Least seconds of training per measurement (default: ${DEFAULT-VALUE}).") double seconds,
      @Option(names = "--rounds", defaultValue = "3", paramLabel = "N",
          description = "Alternating rounds; medians are reported (default: ${DEFAULT-VALUE}).") int rounds,
      @Option(names = "--reference-python", paramLabel = "PATH",
          description = "Python with jax installed: the same K candidates trained with jax.vmap, and one alone.")
          Path referencePython,
      @Option(names = "--reference-script", defaultValue = "bench/reference/population_throughput.py",
          paramLabel = "PATH", description = "The JAX reference (default: ${DEFAULT-VALUE}).") Path referenceScript,
      @Option(names = "--json", description = "Print JSON lines.") boolean json) {
    if (!(seconds > 0) || rounds < 1 || members.stream().anyMatch(k -> k < 1)) {
      throw new IllegalArgumentException("--seconds must be positive, --rounds and every --members at least 1");
    }
    if (referencePython != null) {
      if (twoStep) {
        throw new IllegalArgumentException("the JAX reference implements one-step MPO only");
      }
      checkReference(referencePython, referenceScript);
    }
    MpoConfig mpo = twoStep ? MpoConfig.twoStep(true, false) : MpoConfig.oneStep(true, true, false);
    PairedTrajectories data = PairedTrajectoriesReader.read(datasetFiles(dataset));
    PopulationThroughput bench = new PopulationThroughput(data, mpo);
    int largest = Math.max(1, members.stream().mapToInt(Integer::intValue).max().orElse(1));
    Path init = null;
    double[] javaFirstLosses = null;
    if (referencePython != null) {
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
          JsonNode single = runPopulationReference(referencePython, referenceScript, dataset, init, 1, seconds,
              javaFirstLosses);
          jaxSingle[r] = single.get("candidate_steps_per_s").asDouble();
          jaxVersion = single.get("jax").asText();
        }
        alone[r] = bench.oneAtATime(aloneEpochs).candidateStepsPerSecond();
        for (int m = 0; m < members.size(); m++) {
          if (init != null) {
            jaxVmap[m][r] = runPopulationReference(referencePython, referenceScript, dataset, init, members.get(m),
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
    PrintWriter out = spec.commandLine().getOut();
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
        out.println(Json.line(fields));
      } else {
        out.printf("K = %d: %.0f candidate steps/s batched vs %.0f one at a time: ratio %.2f%s%n", members.get(m),
            batchedMedian, aloneMedian, batchedMedian / aloneMedian, init == null ? ""
                : String.format("; vs JAX's vmap %.0f: ratio %.3f", median(jaxVmap[m]),
                    batchedMedian / median(jaxVmap[m])));
      }
    }
    return 0;
  }

  /**
   * The K-candidate JAX reference once, checked to compute the same first-minibatch losses as the Java trainer.
   */
  private static JsonNode runPopulationReference(Path python, Path script, Path dataset, Path init, int members,
      double seconds, double[] javaFirstLosses) {
    JsonNode line = JaxReference.run(List.of(python.toString(), script.toString(), "--dataset", dataset.toString(),
        "--init", init.toString(), "--members", Integer.toString(members), "--seconds", Double.toString(seconds)),
        seconds);
    JsonNode losses = line.get("first_batch_losses");
    for (int k = 0; k < members; k++) {
      checkSameLoss(javaFirstLosses[k], losses.get(k).asDouble());
    }
    return line;
  }

  /** The reference's Python and script exist, or one message saying what to do. */
  private static void checkReference(Path python, Path script) {
    if (!Files.isExecutable(python)) {
      throw new IllegalArgumentException("no Python at --reference-python " + python
          + "; make bench-reference creates .venv-bench-reference/bin/python");
    }
    if (!Files.isRegularFile(script)) {
      throw new IllegalArgumentException("no JAX reference script at " + script
          + "; run from the project root or pass --reference-script");
    }
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

  /** FROM:TO:STEPS. */
  private record GridSpec(double from, double to, int steps) {
    static GridSpec parse(String text) {
      String[] parts = text.split(":");
      try {
        if (parts.length == 3) {
          return new GridSpec(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]), Integer.parseInt(parts[2]));
        }
      } catch (NumberFormatException e) {
        // reported below with the expected form
      }
      throw new IllegalArgumentException("--grid must be FROM:TO:STEPS, e.g. -4:-0.1:61, got '" + text + "'");
    }
  }

  /** JSON has no NaN or ∞: such cells (e.g. an overflowing exponential loss) become null. */
  private static List<List<Double>> finiteOrNull(double[][] matrix) {
    List<List<Double>> rows = new ArrayList<>(matrix.length);
    for (double[] row : matrix) {
      List<Double> values = new ArrayList<>(row.length);
      for (double value : row) {
        values.add(Double.isFinite(value) ? value : null);
      }
      rows.add(values);
    }
    return rows;
  }

  private static String range(double[][] matrix) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    int nonFinite = 0;
    for (double[] row : matrix) {
      for (double value : row) {
        if (Double.isFinite(value)) {
          min = Math.min(min, value);
          max = Math.max(max, value);
        } else {
          nonFinite++;
        }
      }
    }
    return String.format("from %.4g to %.4g%s", min, max, nonFinite > 0 ? " (" + nonFinite + " non-finite cells)" : "");
  }
}
