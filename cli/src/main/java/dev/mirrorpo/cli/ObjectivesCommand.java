package dev.mirrorpo.cli;

import dev.mirrorpo.bench.CandidateCostBench;
import dev.mirrorpo.bench.TrainerBench;
import dev.mirrorpo.config.SearchConfig;
import dev.mirrorpo.learning.io.Directories;
import dev.mirrorpo.learning.io.JsonLines;
import dev.mirrorpo.learning.mpo.MpoClosedForm;
import dev.mirrorpo.learning.mpo.MpoExport;
import dev.mirrorpo.learning.mpo.MpoObjective;
import dev.mirrorpo.learning.objectives.LandscapeFigure;
import dev.mirrorpo.learning.objectives.LandscapePoints;
import dev.mirrorpo.learning.objectives.LossLandscape;
import dev.mirrorpo.learning.objectives.Objective;
import dev.mirrorpo.learning.objectives.Objectives;
import dev.mirrorpo.learning.policy.AgentFile;
import dev.mirrorpo.learning.policy.GaussianPolicy;
import dev.mirrorpo.learning.training.PairedTrajectories;
import dev.mirrorpo.report.LandscapeImage;
import dev.mirrorpo.runfiles.ClosedFormFiles;
import dev.mirrorpo.runfiles.DiscoveredSource;
import dev.mirrorpo.runfiles.Origin;
import dev.mirrorpo.transforms.datasets.PairedTrajectoriesReader;
import dev.mirrorpo.transforms.datasets.PreferencePairFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** `mirrorpo objectives ...`: the preference-optimization objectives and their loss landscapes. */
@Command(name = "objectives", mixinStandardHelpOptions = true,
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
        out.println(JsonLines.line(fields));
      } else {
        out.printf("%-24s %-9s %s%n", name, objective.needsReference() ? "two-step" : "one-step",
            Objectives.defaults(name));
      }
    }
    return 0;
  }

  @Command(name = "landscape",
      description = {"The loss and its gradients w.r.t. log π(τ_w) and log π(τ_l) over a grid of per-step "
          + "log-likelihoods a_w, a_l (the MPO paper's Figures 1–5), for a known objective (--algo) or a discovered "
          + "one (--discovered); a temporally aware one once per third of training.",
          "Sums are s = a·|τ|·D for --length steps and --action-size dimensions; π_ref, where needed, sits at "
          + "the grid centre for both sides. Gradients are total derivatives along the grid axes. With --dataset, "
          + "real training pairs are drawn over it at their log-likelihoods under the policy training starts from."})
  int landscape(
      @Option(names = "--algo", paramLabel = "NAME",
          description = "Objective name (see `objectives list`).") String algo,
      @Option(names = "--discovered", paramLabel = "RUN_DIR|BEST_JSON",
          description = "A discovered objective instead: a search's run directory or a best.json.") Path discovered,
      @Option(names = "--param", paramLabel = "NAME=VALUE", description = "Hyper-parameter override; repeatable.")
          Map<String, Double> params,
      @Option(names = "--grid", required = true, paramLabel = "FROM:TO:STEPS",
          description = "Axis range and points per axis, e.g. -4:-0.1:61 (log-likelihoods, so TO < 0).") String grid,
      @Option(names = "--length", defaultValue = "" + LossLandscape.NOMINAL_LENGTH, paramLabel = "STEPS",
          description = "Nominal trajectory length |τ| (default: ${DEFAULT-VALUE}).") int length,
      @Option(names = "--action-size", defaultValue = "" + LossLandscape.NOMINAL_ACTION_SIZE, paramLabel = "D",
          description = "Nominal action dimensions D (default: ${DEFAULT-VALUE}, Hopper).") int actionSize,
      @Option(names = "--epochs", defaultValue = "12", paramLabel = "N",
          description = "Training epochs, for the thirds of a temporally aware objective (default: ${DEFAULT-VALUE}, "
              + "the paper's trainer).") int epochs,
      @Option(names = "--dataset", paramLabel = "DIR",
          description = "Draw pairs of this preference dataset over the landscape.") Path dataset,
      @Option(names = "--pairs", defaultValue = "64", paramLabel = "N",
          description = "How many of its pairs, evenly spaced (default: ${DEFAULT-VALUE}).") int pairs,
      @Option(names = "--policy-seed", defaultValue = "1", paramLabel = "SEED",
          description = "The pairs are scored by a fresh policy from this seed with the dataset's normaliser, where "
              + "training starts (default: ${DEFAULT-VALUE}).") long policySeed,
      @Option(names = "--policy", paramLabel = "AGENT_FILE",
          description = "Score the pairs with this agent instead (e.g. agents/hopper/expert.agent.json).") Path agent,
      @Option(names = "--json", description = "Print one JSON object: axes, loss and both gradient matrices.")
          boolean json,
      @Option(names = "--png", paramLabel = "FILE", description = "Write the heat maps.") Path png) {
    if ((algo == null) == (discovered == null)) {
      throw new IllegalArgumentException("give the objective as --algo NAME or as --discovered RUN_DIR|BEST_JSON"
          + " (one of them)");
    }
    if (png != null) {
      Directories.requireWritableFile(png, "--png");
    }
    Objective objective = algo != null ? Objectives.create(algo, params == null ? Map.of() : params)
        : DiscoveredSource.read(discovered).best().objective();
    GridSpec axis = GridSpec.parse(grid);
    LandscapePoints points = dataset == null ? null : points(dataset, pairs, policySeed, agent);
    LandscapeFigure figure = LandscapeFigure.of(objective,
        new LandscapeFigure.Grid(axis.from(), axis.to(), axis.steps(), length, actionSize), epochs, points);
    if (png != null) {
      LandscapeImage.write(objective, figure, png);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("algo", objective.name());
      fields.put("params", objective.hyperParameters());
      fields.put("needs_reference", objective.needsReference());
      fields.put("length", length);
      fields.put("action_size", actionSize);
      fields.put("grid", figure.stages().get(0).landscape().grid());
      fields.put("layout", "matrix[i][j] at log_pi_chosen = grid[i], log_pi_rejected = grid[j] "
          + "(per-step, per-dimension mean log-likelihoods)");
      // The first (for a static objective the only) row at the top level; a temporal objective's rows in stages.
      fields.putAll(stageFields(objective, figure.stages().get(0)));
      if (figure.stages().size() > 1) {
        List<Map<String, Object>> stages = new ArrayList<>();
        for (LandscapeFigure.Stage stage : figure.stages()) {
          Map<String, Object> s = new LinkedHashMap<>();
          s.put("stage", stage.label());
          s.putAll(stageFields(objective, stage));
          stages.add(s);
        }
        fields.put("stages", stages);
      }
      if (points != null) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("policy", points.policy());
        p.put("pairs", points.pairs());
        p.put("log_pi_chosen", points.chosen());
        p.put("log_pi_rejected", points.rejected());
        fields.put("points", p);
      }
      if (png != null) {
        fields.put("png", png.toString());
      }
      out.println(JsonLines.line(fields));
      return 0;
    }
    out.printf("%s %s on a %d×%d grid over [%s, %s] (|τ| = %d, D = %d)%n", objective.name(),
        objective.hyperParameters(), axis.steps(), axis.steps(), axis.from(), axis.to(), length, actionSize);
    for (LandscapeFigure.Stage stage : figure.stages()) {
      LossLandscape landscape = stage.landscape();
      if (!stage.label().isEmpty()) {
        out.printf(" %s%n", stage.label());
      }
      if (objective.needsReference()) {
        out.printf("  π_ref at       %s%n", landscape.referenceMean());
      }
      out.printf("  loss           %s%n", range(landscape.loss()));
      out.printf("  ∂/∂log π(τ_w)  %s%n", range(landscape.chosenGradient()));
      out.printf("  ∂/∂log π(τ_l)  %s%n", range(landscape.rejectedGradient()));
    }
    if (points != null) {
      out.printf("  pairs          %d under %s: a_w %s, a_l %s%n", points.pairs().length, points.policy(),
          range(new double[][] {toDoubles(points.chosen())}), range(new double[][] {toDoubles(points.rejected())}));
    }
    if (png != null) {
      out.printf("  heat map: %s%n", png);
    }
    return 0;
  }

  private static Map<String, Object> stageFields(Objective objective, LandscapeFigure.Stage stage) {
    LossLandscape landscape = stage.landscape();
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("reference_log_likelihood", objective.needsReference() ? landscape.referenceMean() : null);
    fields.put("loss", finiteOrNull(landscape.loss()));
    fields.put("grad_log_pi_chosen", finiteOrNull(landscape.chosenGradient()));
    fields.put("grad_log_pi_rejected", finiteOrNull(landscape.rejectedGradient()));
    return fields;
  }

  /** The sample of the dataset's pairs, scored by the agent or by the fresh policy training starts from. */
  private static LandscapePoints points(Path dataset, int pairs, long policySeed, Path agent) {
    PairedTrajectories data = PairedTrajectoriesReader.read(PreferencePairFiles.verified(dataset).files());
    try (GaussianPolicy policy = agent != null ? AgentFile.read(agent).policy()
        : LandscapePoints.freshPolicy(data, policySeed)) {
      String description = agent != null ? agent.getFileName().toString()
          : "a fresh policy (seed " + policySeed + "), as training starts";
      return LandscapePoints.of(policy, data, pairs, description);
    }
  }

  private static double[] toDoubles(float[] values) {
    double[] doubles = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      doubles[i] = values[i];
    }
    return doubles;
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
    Objective objective = Objectives.create(algo, params == null ? Map.of() : params);
    TrainerBench.trainer(new TrainerBench.Settings(dataset, seconds, rounds,
        TrainerBench.Reference.of(referencePython, referenceScript)), objective, json, spec.commandLine().getOut());
    return 0;
  }

  @Command(name = "bench-evaluation",
      description = {"What an ES candidate costs: K MPO candidates trained batched on a dataset (a prefix of the "
          + "preset's), then evaluated on the preset's episodes one at a time and batched (one VecEnv, one policy "
          + "forward pass per step for all of them); the training time scaled to the preset's pairs and epochs "
          + "(docs/benchmarks.md). Two JSON lines: evaluation_throughput and candidate_cost."})
  int benchEvaluation(
      @Option(names = "--config", required = true, paramLabel = "FILE",
          description = "The preset whose search to cost, e.g. configs/paper-hopper.yaml.") Path config,
      @Option(names = "--dataset", required = true, paramLabel = "DIR",
          description = "A dataset of the preset's task, e.g. its first pairs: dataset generate --config FILE "
              + "--pairs 512.") Path dataset,
      @Option(names = "--members", defaultValue = "" + SearchConfig.DEFAULT_CANDIDATES_PER_BATCH, paramLabel = "K",
          description = "Candidates trained and evaluated together (default: ${DEFAULT-VALUE}, the search's batch).")
          int members,
      @Option(names = "--epochs", defaultValue = "3", paramLabel = "E",
          description = "Epochs trained on the dataset, the first untimed (default: ${DEFAULT-VALUE}).") int epochs,
      @Option(names = "--rounds", defaultValue = "1", paramLabel = "N",
          description = "Alternating rounds of the two evaluations; medians are reported (default: ${DEFAULT-VALUE}).")
          int rounds,
      @Option(names = "--json", description = "Print two JSON lines.") boolean json) {
    CandidateCostBench.run(new CandidateCostBench.Settings(config, dataset, members, epochs, rounds), json,
        spec.commandLine().getOut());
    return 0;
  }

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
    TrainerBench.population(new TrainerBench.Settings(dataset, seconds, rounds,
        TrainerBench.Reference.of(referencePython, referenceScript)), members, twoStep, json,
        spec.commandLine().getOut());
    return 0;
  }









  @Command(name = "export",
      description = {"A discovered objective as a portable description: FILE (JSON: options, formula, layout of ζ, "
          + "constants, ζ, provenance) and beside it mirrorpo_mpo.py, a reference implementation in NumPy with a "
          + "PyTorch loss function for LLM preference trainers (docs/mpo.md)."})
  int export(
      @Parameters(paramLabel = "RUN_DIR|BEST_JSON",
          description = "A search's run directory (its best.json is exported) or a best.json.") Path source,
      @Option(names = "--out", required = true, paramLabel = "FILE",
          description = "The export's JSON file; mirrorpo_mpo.py is written beside it.") Path out,
      @Option(names = "--json", description = "Print one JSON line.") boolean json) {
    Directories.requireWritableFile(out, "--out");
    DiscoveredSource discovered = DiscoveredSource.read(source);
    MpoObjective objective = discovered.best().objective();
    Path python = MpoExport.write(objective, discovered.provenance(origin()), out);
    PrintWriter print = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("export", out.toString());
      fields.put("python", python.toString());
      fields.put("objective", objective.config().describe());
      fields.put("zeta_size", objective.layout().size());
      fields.put("source", discovered.file().toString());
      print.println(JsonLines.line(fields));
    } else {
      print.printf("export: %s (%s, |ζ| = %d) from %s%n", out, objective.config().describe(),
          objective.layout().size(), discovered.file());
      print.printf("  reference implementation: %s%n", python);
      print.printf("  use: import mirrorpo_mpo; objective = mirrorpo_mpo.load(\"%s\")%n", out.getFileName());
    }
    return 0;
  }

  @Command(name = "fit",
      description = {"Regresses a discovered objective's learned functions (ψ, φ⁻¹, g) on k·S(u) + α·log u + γ·u + "
          + "const with k, α, γ ≥ 0 over the domain its inputs take, and writes the closed form as an MPO objective "
          + "of its own (NAME-closed-form.best.json) with the fit (NAME-closed-form.fit.json); train it beside the "
          + "discovered one with benchmark --discovered (docs/mpo.md, \"Closed-form fits\")."})
  int fit(
      @Parameters(paramLabel = "RUN_DIR|BEST_JSON",
          description = "A search's run directory (its best.json is fitted) or a best.json.") Path source,
      @Option(names = "--domain", defaultValue = "-6:-1", paramLabel = "FROM:TO",
          description = "Per-step log-likelihoods a = log x that ψ and φ⁻¹ are fitted on (default: ${DEFAULT-VALUE}).")
          String domain,
      @Option(names = "--out", paramLabel = "DIR",
          description = "Where to write the two files (default: beside the best.json).") Path out,
      @Option(names = "--json", description = "Print one JSON line.") boolean json) {
    double[] ends = DomainSpec.parse(domain);
    DiscoveredSource discovered = DiscoveredSource.read(source);
    Path directory = out != null ? out : discovered.file().getParent();
    Directories.requireCreatable(directory, "--out");
    MpoClosedForm.Result result = MpoClosedForm.fit(discovered.best().objective(), ends[0], ends[1]);
    ClosedFormFiles.Written written = ClosedFormFiles.write(discovered, result, directory, origin());
    PrintWriter print = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("source", discovered.file().toString());
      fields.put("closed_form", written.best().toString());
      fields.put("fit", written.fit().toString());
      fields.put("formulas", result.fits().stream().map(MpoClosedForm.FunctionFit::formula).toList());
      print.println(JsonLines.line(fields));
      return 0;
    }
    print.printf("fit of %s (%s), a = log x in [%s, %s]%n", discovered.file(), result.source().config().describe(),
        ends[0], ends[1]);
    for (MpoClosedForm.FunctionFit f : result.fits()) {
      print.printf("  %-44s rmse %.3g, max %.3g (span %.3g); slope rmse %.3g (mean |slope| %.3g)%n", f.formula(),
          f.rmse(), f.maxError(), f.span(), f.slopeRmse(), f.meanSlope());
    }
    print.printf("  closed form: %s%n  fit:         %s%n", written.best(), written.fit());
    print.printf("  train both with the same seeds and episodes: mirrorpo benchmark --config PRESET --datasets DATASET"
        + " --algos orpo --discovered %s,%s%n", discovered.file(), written.best());
    return 0;
  }

  /** This command's provenance, for the files it writes. */
  private Origin origin() {
    return new Origin(Provenance.command(spec.commandLine().getParseResult().originalArgs()), Provenance.gitCommit(),
        Provenance.now());
  }

  /** FROM:TO of --domain. */
  private static final class DomainSpec {
    static double[] parse(String text) {
      String[] parts = text.split(":");
      try {
        if (parts.length == 2) {
          return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
        }
      } catch (NumberFormatException e) {
        // reported below with the expected form
      }
      throw new IllegalArgumentException("--domain must be FROM:TO, e.g. -6:-1, got '" + text + "'");
    }
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
