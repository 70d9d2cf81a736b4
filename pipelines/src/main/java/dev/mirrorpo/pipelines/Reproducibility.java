package dev.mirrorpo.pipelines;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mirrorpo.config.Preset;
import dev.mirrorpo.config.SearchConfig;
import dev.mirrorpo.learning.NumericEnvironment;
import dev.mirrorpo.learning.es.OpenAiEs;
import dev.mirrorpo.learning.io.AtomicFiles;
import dev.mirrorpo.learning.io.JsonFiles;
import dev.mirrorpo.learning.io.Sha256;
import dev.mirrorpo.learning.mpo.MpoConfig;
import dev.mirrorpo.learning.mpo.MpoLayout;
import dev.mirrorpo.learning.mpo.MpoObjective;
import dev.mirrorpo.learning.objectives.Objective;
import dev.mirrorpo.learning.objectives.Objectives;
import dev.mirrorpo.learning.training.TrainerConfig;
import dev.mirrorpo.runfiles.Origin;
import dev.mirrorpo.runfiles.SearchRun;
import dev.mirrorpo.schemas.CandidateFitness;
import dev.mirrorpo.transforms.datasets.DatasetManifest;
import dev.mirrorpo.transforms.training.CellSettings;
import dev.mirrorpo.transforms.training.TrainAndEvaluate;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The golden digests (docs/reproducibility.md): four small artefacts made from the quick preset with fixed
 * seeds, each reduced to a SHA-256 of its exact bits, so that two machines agree bit for bit or name the
 * first artefact where they part. In the order the work flows: the quick dataset's rows (physics and the
 * agents' policy forward passes), a short ORPO training and a short MPO training on it (the trainer, with
 * an online evaluation of each), and one generation of the quick search (population-batched training and
 * evaluation, through Beam and Parquet). A difference in an earlier artefact explains the later ones.
 */
public final class Reproducibility {
  /** The artefacts, in the order they are made and compared. */
  public static final List<String> ARTEFACTS = List.of("quick-dataset", "orpo-training", "mpo-training",
      "quick-search-generation");
  static final String FORMAT = "mirrorpo-golden-digests";
  /** Epochs of the short trainings: enough for the trainer's numerics to compound, a second each. */
  private static final int SHORT_EPOCHS = 2;
  /** Evaluation episodes of the short trainings: the evaluator's numerics, cheaply. */
  private static final int SHORT_EPISODES = 5;
  private static final long TRAINING_SEED = 1;
  /** An address that refuses connections at once: the check's search logs nowhere. */
  private static final String NO_MLFLOW = "http://127.0.0.1:9";

  private Reproducibility() {}

  /**
   * One artefact's digest, and what it holds for people (a difference in the summary says how far apart
   * two machines are).
   */
  public record Digest(@JsonProperty("name") String name, @JsonProperty("sha256") String sha256,
      @JsonProperty("summary") String summary) {}

  /**
   * The committed golden file: the digests and where they were recorded.
   *
   * @param machine the CPU model and the instruction sets it offers, as /proc/cpuinfo says
   */
  public record Golden(@JsonProperty("format") String format, @JsonProperty("created") String created,
      @JsonProperty("git_commit") String gitCommit, @JsonProperty("command") String command,
      @JsonProperty("machine") String machine, @JsonProperty("numerics") Map<String, String> numerics,
      @JsonProperty("digests") List<Digest> digests) {

    public static Golden read(Path file) {
      try {
        Golden golden = JsonFiles.EVOLVING.readValue(Files.readString(file, StandardCharsets.UTF_8), Golden.class);
        if (golden == null || !FORMAT.equals(golden.format()) || golden.digests() == null) {
          throw new IllegalArgumentException(file + " is not a " + FORMAT + " file; record one with 'mirrorpo"
              + " reproducibility check --record'");
        }
        return golden;
      } catch (NoSuchFileException e) {
        throw new IllegalArgumentException("no golden digests at " + file + "; record them with 'mirrorpo"
            + " reproducibility check --record'");
      } catch (IOException e) {
        throw new IllegalArgumentException(file + " cannot be read as golden digests: "
            + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
      }
    }

    public void write(Path file) {
      try {
        AtomicFiles.writeString(file, JsonFiles.MAPPER.writeValueAsString(this) + "\n");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file, e);
      }
    }

    /** The golden digest of {@code name}, or null if this file has none. */
    Digest digest(String name) {
      return digests.stream().filter(d -> d.name().equals(name)).findFirst().orElse(null);
    }
  }

  /**
   * Makes the artefacts named in {@code only} (all if empty) in {@code work} and returns their digests in
   * {@link #ARTEFACTS} order. The dataset is made whenever a later artefact needs it.
   *
   * @param preset the quick preset (configs/quick.yaml)
   * @param progress where the pipelines' progress lines go
   */
  public static List<Digest> compute(Path preset, Path work, Set<String> only, Origin origin,
      PrintWriter progress) {
    for (String name : only) {
      if (!ARTEFACTS.contains(name)) {
        throw new IllegalArgumentException("no artefact '" + name + "'; the artefacts are " + ARTEFACTS);
      }
    }
    Path dataset = work.resolve("quick-dataset");
    DatasetPipeline.Options options = DatasetPipeline.options("--runner=DirectRunner");
    options.setConfig(preset.toString());
    options.setOut(dataset.toString());
    options.setOverwrite(true);
    Preset quick = Preset.load(preset);
    // The generation read every row back to write its manifest: the digest and the summary are there.
    DatasetManifest manifest = DatasetPipeline.generate(options, quick, origin, progress);

    SearchConfig search = quick.search();
    CellSettings settings = shortTraining(search.training().cellSettings(manifest.config().task()));
    List<Digest> digests = new ArrayList<>();
    if (wanted(only, "quick-dataset")) {
      DatasetManifest.Summary summary = manifest.summary();
      digests.add(new Digest("quick-dataset", manifest.rowsSha256(), String.format(Locale.ROOT,
          "%d pairs, mean length %.4f, mean returns chosen %.6f, rejected %.6f", manifest.counts().pairs(),
          summary.meanLength(), summary.meanChosenReturn(), summary.meanRejectedReturn())));
    }
    if (wanted(only, "orpo-training")) {
      digests.add(training("orpo-training", settings, dataset,
          Objectives.create("orpo", Map.of("lambda", search.mpo().lambda()))));
    }
    if (wanted(only, "mpo-training")) {
      OpenAiEs es = new OpenAiEs(search.es().config());
      MpoConfig mpo = search.mpo().config();
      float[] candidate = es.candidate(es.initialize(MpoLayout.initial(mpo)), 0).parameters();
      digests.add(training("mpo-training", settings, dataset, MpoObjective.create(mpo, candidate)));
    }
    if (wanted(only, "quick-search-generation")) {
      digests.add(searchGeneration(preset, dataset, work.resolve("quick-search"), origin, progress));
    }
    return digests;
  }

  /**
   * The first artefact whose digest differs from the golden one, as one message with both summaries, or
   * null if every computed digest matches.
   */
  public static String firstDifference(Golden golden, List<Digest> computed) {
    for (Digest actual : computed) {
      Digest expected = golden.digest(actual.name());
      if (expected == null) {
        return actual.name() + " has no golden digest; record them with 'mirrorpo reproducibility check --record'";
      }
      if (!expected.sha256().equals(actual.sha256())) {
        return actual.name() + " differs from the golden digest recorded on " + golden.machine() + " at "
            + golden.gitCommit() + ":\n  golden:   " + expected.sha256() + "  " + expected.summary()
            + "\n  computed: " + actual.sha256() + "  " + actual.summary();
      }
    }
    return null;
  }

  /** A golden file of {@code digests} made by this JVM on this machine. */
  public static Golden golden(List<Digest> digests, Origin origin) {
    Map<String, String> numerics = new LinkedHashMap<>();
    numerics.put(NumericEnvironment.MODE_VARIABLE, NumericEnvironment.mode());
    numerics.putAll(NumericEnvironment.pins());
    return new Golden(FORMAT, origin.created(), origin.gitCommit(), origin.command(), machine(), numerics, digests);
  }

  /** This machine's CPU model and its vector instruction sets, from /proc/cpuinfo. */
  public static String machine() {
    String model = NumericEnvironment.cpuInfo("model name");
    String flags = NumericEnvironment.cpuInfo("flags");
    if (model == null || flags == null) {
      return System.getProperty("os.arch");
    }
    List<String> vector = new ArrayList<>();
    for (String flag : flags.split(" ")) {
      if (flag.equals("avx2") || flag.equals("fma") || flag.equals("avx512f") || flag.startsWith("amx")) {
        vector.add(flag);
      }
    }
    return model + " (" + String.join(" ", vector) + ")";
  }

  private static boolean wanted(Set<String> only, String name) {
    return only.isEmpty() || only.contains(name);
  }

  /** The search's training settings, shortened: the same trainer, fewer epochs and episodes. */
  private static CellSettings shortTraining(CellSettings search) {
    TrainerConfig trainer = search.trainer();
    return new CellSettings(new TrainerConfig(SHORT_EPOCHS, Math.min(trainer.sftEpochs(), SHORT_EPOCHS - 1),
        trainer.minibatchPairs(), trainer.learningRate(), trainer.maxGradNorm(), trainer.boxHalfWidth()),
        search.initialAgent(), search.evaluationTask(), SHORT_EPISODES, search.evaluationSeed(),
        search.episodeLength());
  }

  /** The trained weights' digest and the evaluation's exact bits. */
  private static Digest training(String name, CellSettings settings, Path dataset, Objective objective) {
    TrainAndEvaluate.Outcome outcome = TrainAndEvaluate.run(settings, dataset.toString(), objective, TRAINING_SEED);
    String exact = outcome.policySha256() + " " + bits(outcome.meanReturn()) + " " + bits(outcome.standardError());
    return new Digest(name, Sha256.ofText(exact), String.format(Locale.ROOT,
        "%d epochs, %d steps, epoch losses %s, return %.6f ± %.6f over %d episodes, weights %s", SHORT_EPOCHS,
        outcome.training().steps(), outcome.training().epochLosses(), outcome.meanReturn(), outcome.standardError(),
        settings.episodes(), outcome.policySha256()));
  }

  /**
   * One generation of the quick search; the digest covers every candidate's result and the baseline's (the search
   * compares them), not their timings.
   */
  private static Digest searchGeneration(Path preset, Path dataset, Path runDirectory, Origin origin,
      PrintWriter progress) {
    SearchPipeline.Options options = SearchPipeline.options("--runner=DirectRunner");
    options.setConfig(preset.toString());
    options.setDataset(dataset.toString());
    options.setOut(runDirectory.toString());
    options.setGenerations(1);
    options.setMlflowUri(NO_MLFLOW);
    options.setEvaluate(false); // the digest covers the generation's candidates, not the evaluations after it
    SearchPipeline.Summary summary = SearchPipeline.run(options, new String[] {"--runner=DirectRunner"}, origin,
        progress);
    List<CandidateFitness> rows = new ArrayList<>(new SearchRun(runDirectory).fitnessRows(0));
    rows.sort(Comparator.comparingInt(row -> OpenAiEs.candidateIndex(row.getPairIndex(), row.getSign())));
    StringBuilder exact = new StringBuilder();
    double best = Double.NEGATIVE_INFINITY;
    for (CandidateFitness row : rows) {
      exact.append(row.getPairIndex()).append(' ').append(row.getSign()).append(' ').append(row.getStatus())
          .append(' ').append(bits(row.getFitness())).append(' ').append(bits(row.getStandardError())).append(' ')
          .append(row.getSteps()).append(' ').append(row.getPolicySha256()).append('\n');
      best = Math.max(best, row.getFitness());
    }
    SearchRun.Baseline baseline = summary.baseline();
    exact.append("baseline ").append(baseline.algorithm()).append(' ').append(baseline.status()).append(' ')
        .append(bits(baseline.fitness())).append(' ').append(bits(baseline.standardError())).append('\n');
    return new Digest("quick-search-generation", Sha256.ofText(exact.toString()), String.format(Locale.ROOT,
        "%d candidates, best fitness %.6f, baseline %s %.6f", rows.size(), best, baseline.algorithm(),
        baseline.fitness()));
  }

  /** A double's exact bits, so that digests see the last bit. */
  private static String bits(double value) {
    return Long.toHexString(Double.doubleToRawLongBits(value));
  }
}
