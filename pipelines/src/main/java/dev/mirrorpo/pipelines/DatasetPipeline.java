package dev.mirrorpo.pipelines;

import dev.mirrorpo.config.DatasetConfig;
import dev.mirrorpo.config.Preset;
import dev.mirrorpo.learning.data.AgentRole;
import dev.mirrorpo.learning.data.AgentSource;
import dev.mirrorpo.learning.data.BradleyTerryJudge;
import dev.mirrorpo.learning.data.DatasetStatistics;
import dev.mirrorpo.learning.data.PairGenerationSpec;
import dev.mirrorpo.learning.data.PreferencePairGenerator;
import dev.mirrorpo.learning.data.Quality;
import dev.mirrorpo.learning.io.DirectoryLock;
import dev.mirrorpo.learning.io.Sha256;
import dev.mirrorpo.learning.policy.Agent;
import dev.mirrorpo.learning.policy.AgentFile;
import dev.mirrorpo.runfiles.Origin;
import dev.mirrorpo.schemas.SchemaVersions;
import dev.mirrorpo.transforms.datasets.DatasetManifest;
import dev.mirrorpo.transforms.datasets.GeneratePreferencePairs;
import dev.mirrorpo.transforms.datasets.WritePreferencePairs;
import dev.mirrorpo.transforms.io.ListedFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The dataset-generation pipeline (docs/design.md §6): chunks of pair indices → roll out both sides of each
 * pair from the same start state → Bradley-Terry judge → label noise → Parquet files under
 * OUT/data/. When the pipeline has finished, the driver reads the files back, checks that they hold
 * every pair exactly once, and writes OUT/manifest.json, last and atomically.
 */
public final class DatasetPipeline {
  private DatasetPipeline() {}

  /** What a generation reads; the dataset's parameters default to the preset's. */
  public interface Options extends PipelineOptions {
    @Description("Dataset preset (YAML), e.g. configs/quick.yaml")
    String getConfig();

    void setConfig(String value);

    @Description("Quality: base, noisy, mixed or poor-judge (default: the preset's)")
    String getQuality();

    void setQuality(String value);

    @Description("ε, the probability that a label is flipped; noisy datasets only (default: the preset's noise)")
    Double getNoise();

    void setNoise(Double value);

    @Description("η of the Bradley-Terry judge (default: the preset's; poor-judge: calibrated as the preset says)")
    Double getTemperature();

    void setTemperature(Double value);

    @Description("Poor judge: probability of ranking the target above the original, η calibrated on it"
        + " (default: the preset's poor_judge.agreement)")
    Double getJudgeAgreement();

    void setJudgeAgreement(Double value);

    @Description("Number of pairs (default: the preset's)")
    Long getPairs();

    void setPairs(Long value);

    @Description("Episode step limit (default: the preset's)")
    Integer getLength();

    void setLength(Integer value);

    @Description("Dataset seed (default: the preset's)")
    Long getSeed();

    void setSeed(Long value);

    @Description("Target agent file (default: the preset's)")
    String getTarget();

    void setTarget(String value);

    @Description("Original agent file (default: the preset's)")
    String getOriginal();

    void setOriginal(String value);

    @Description("Dataset directory to write")
    String getOut();

    void setOut(String value);

    @Description("Replace a dataset already in the output directory")
    @Default.Boolean(false)
    boolean getOverwrite();

    void setOverwrite(boolean value);
  }

  /** Options from Beam arguments (--runner=..., --parallelism=...), with the runners' defaults. */
  public static Options options(String... beamArgs) {
    return RunnerOptions.parse(Options.class, beamArgs);
  }

  /**
   * Generates the dataset the options describe.
   *
   * @param progress where the start line, progress and the end line go
   * @return the manifest written
   * @throws IllegalArgumentException with one message for bad input (preset, quality, ε, η, an
   *     agent file, an output directory that holds a dataset)
   * @throws IllegalStateException if the pipeline failed; no manifest is written then
   */
  public static DatasetManifest generate(Options options, Origin origin, PrintWriter progress) {
    if (options.getConfig() == null || options.getOut() == null) {
      throw new IllegalArgumentException("a dataset needs a preset (--config) and an output directory (--out)");
    }
    return generate(options, Preset.load(Path.of(options.getConfig())), origin, progress);
  }

  /** Generates the dataset the options describe from {@code preset}, the preset they name, read already. */
  static DatasetManifest generate(Options options, Preset preset, Origin origin, PrintWriter progress) {
    Path out = Path.of(options.getOut());
    Plan plan = plan(preset, options);
    // The workers load the agents exactly like this; a bad agent is reported before anything starts.
    new PreferencePairGenerator(plan.spec()).close();
    try (DirectoryLock lock = OutputDirectories.claim(out, options, "dataset generate")) {
      Path staging = DatasetReplacement.begin(out, options.getOverwrite());
      DatasetManifest manifest;
      try {
        manifest = generateInto(staging, out, plan, options, origin, progress);
      } catch (RuntimeException e) {
        DatasetReplacement.abandon(out);
        throw e;
      }
      DatasetReplacement.install(out);
      progress.printf("dataset: %d pairs in %s (%.2f pairs/s) → %s: %d files, %.1f MB (%.1f kB per pair);"
              + " flip rate %.3f, agreement with true returns %.3f%n", plan.spec().pairs(),
          ProgressDisplay.duration(manifest.generation().seconds()), manifest.generation().pairsPerSecond(), out,
          manifest.files().size(), manifest.totalBytes() / 1e6, manifest.totalBytes() / 1e3 / plan.spec().pairs(),
          manifest.summary().flipRate(), manifest.summary().agreementWithReturns());
      progress.flush();
      return manifest;
    }
  }

  /** Runs the pipeline into {@code staging} and writes its manifest there, last. */
  private static DatasetManifest generateInto(Path staging, Path out, Plan plan, Options options, Origin origin,
      PrintWriter progress) {
    PairGenerationSpec spec = plan.spec();
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply("GeneratePreferencePairs", GeneratePreferencePairs.of(spec))
        .apply("WritePreferencePairs", WritePreferencePairs.to(PreferenceDatasets.dataDirectory(staging).toString()));
    String runner = options.getRunner().getSimpleName();
    progress.printf("dataset: generating %d %s pairs on %s (target %s, original %s; length %d, η %s, ε %s, seed %d)"
            + " with %s into %s%n", spec.pairs(), spec.quality(), spec.task(), spec.target(), spec.original(),
        spec.length(), number(spec.temperature()), number(spec.noise()), spec.seed(), runner, out);
    progress.flush();
    long started = System.nanoTime();
    PipelineRuns.runToEnd(pipeline, options, new PipelineRuns.Job("dataset", "pairs", spec.pairs(),
        GeneratePreferencePairs.class, GeneratePreferencePairs.PAIRS_COUNTER, "dataset",
        "no dataset was written (" + out + " is as it was)"), progress);
    double seconds = (System.nanoTime() - started) / 1e9;
    DatasetManifest manifest = describe(staging, plan, origin, runner, seconds);
    manifest.write(PreferenceDatasets.manifestFile(staging));
    return manifest;
  }

  /**
   * Makes the preset's dataset of {@code quality} in {@code directory} unless a finished one (with its
   * manifest) is there: how the benchmark and the search get datasets nobody named.
   */
  static void generateUnlessPresent(Preset preset, Quality quality, Path directory, String[] beamArgs, Origin origin,
      PrintWriter progress) {
    if (Files.exists(PreferenceDatasets.manifestFile(directory))) {
      return;
    }
    Options options = options(beamArgs);
    options.setConfig(preset.file().toString());
    options.setQuality(quality.label());
    options.setOut(directory.toString());
    options.setOverwrite(true);
    generate(options, preset, origin, progress);
  }

  /**
   * The manifest of the files the pipeline wrote, after reading every row back to check that they
   * hold each pair exactly once.
   */
  private static DatasetManifest describe(Path out, Plan plan, Origin origin, String runner, double seconds) {
    PreferenceDatasets.removeRunnerLeftovers(out);
    List<Path> files = PreferenceDatasets.dataFiles(out);
    PreferenceDatasets.Scan scan = PreferenceDatasets.scan(files);
    DatasetStatistics statistics = scan.statistics();
    long pairs = plan.spec().pairs();
    String problem = statistics.completenessProblem(pairs);
    if (problem != null) {
      throw new IllegalStateException("the pipeline finished, but " + out + " holds " + problem
          + "; no manifest written");
    }
    List<DatasetManifest.DataFile> entries = new ArrayList<>();
    long bytes = 0;
    for (Path file : files) {
      long size = ListedFiles.size(file);
      entries.add(new DatasetManifest.DataFile(out.relativize(file).toString(), size, Sha256.ofFile(file)));
      bytes += size;
    }
    return new DatasetManifest(DatasetManifest.FORMAT, DatasetManifest.FORMAT_VERSION,
        SchemaVersions.PREFERENCE_PAIR, origin.created(), origin.command(), origin.gitCommit(), runner,
        plan.config(),
        new DatasetManifest.Counts(statistics.pairs(), statistics.flipped(), statistics.pairTypeCounts()),
        new DatasetManifest.Summary(statistics.flipRate(), statistics.agreementWithReturns(),
            statistics.meanChosenReturn(), statistics.meanRejectedReturn(), statistics.meanReturnByAgent(),
            statistics.meanLength()),
        new DatasetManifest.Generation(seconds, pairs / seconds),
        entries, bytes, scan.rowsSha256(), origin.numerics());
  }

  static String rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage();
  }

  /** The generation spec and the resolved config the manifest records. */
  record Plan(PairGenerationSpec spec, DatasetManifest.Config config) {}

  /** Resolves the preset against the options: quality, agents, ε and η. */
  static Plan plan(Preset preset, Options options) {
    DatasetConfig config = preset.dataset();
    Quality quality = options.getQuality() != null ? Quality.byLabel(options.getQuality()) : config.quality();
    long pairs = options.getPairs() != null ? options.getPairs() : config.pairs();
    int length = options.getLength() != null ? options.getLength() : config.length();
    long seed = options.getSeed() != null ? options.getSeed() : config.seed();
    DatasetConfig.PoorJudge poorJudge = config.poorJudge();

    Path targetFile = options.getTarget() != null ? Path.of(options.getTarget()) : config.target();
    Path originalFile = options.getOriginal() != null ? Path.of(options.getOriginal())
        : quality == Quality.POOR_JUDGE && poorJudge != null && poorJudge.original() != null
            ? poorJudge.original() : config.original();
    AgentSource target = agentSource(AgentRole.TARGET, targetFile);
    AgentSource original = agentSource(AgentRole.ORIGINAL, originalFile);
    Agent targetAgent = AgentFile.parse(target.json(), targetFile);
    Agent originalAgent = AgentFile.parse(original.json(), originalFile);
    targetAgent.policy().close();
    originalAgent.policy().close();

    double noise;
    if (quality == Quality.NOISY) {
      Double given = options.getNoise() != null ? options.getNoise() : config.noise();
      if (given == null) {
        throw new IllegalArgumentException("a noisy dataset needs ε: pass --noise or set 'noise' in " + preset.file());
      }
      noise = given;
    } else {
      if (options.getNoise() != null) {
        throw new IllegalArgumentException("--noise applies to --quality noisy only, not to " + quality);
      }
      noise = 0;
    }

    Temperature temperature = temperature(preset, options, quality, targetFile, targetAgent, originalFile,
        originalAgent);

    PairGenerationSpec spec = new PairGenerationSpec(config.task(), target, original, quality, pairs, length, seed,
        temperature.value(), noise, config.rolloutBatch(), config.pairsPerChunk());
    Map<String, DatasetManifest.AgentInfo> agents = new LinkedHashMap<>();
    agents.put(AgentRole.TARGET.label(), agentInfo(targetFile, target, targetAgent));
    agents.put(AgentRole.ORIGINAL.label(), agentInfo(originalFile, original, originalAgent));
    DatasetManifest.Config resolved = new DatasetManifest.Config(preset.file().toString(), spec.task(),
        quality.label(), pairs, length, seed, temperature.value(), temperature.source(), noise, spec.rolloutBatch(),
        spec.pairsPerChunk(), agents);
    return new Plan(spec, resolved);
  }

  /** η of the judge and how it was set. */
  private record Temperature(double value, String source) {}

  /**
   * --temperature if given; else the preset's temperature, except for the poor judge, whose η is
   * the preset's poor_judge.temperature or is calibrated on an agreement (--judge-agreement or
   * poor_judge.agreement) and a return gap (poor_judge.return_gap or the agents' recorded returns).
   */
  private static Temperature temperature(Preset preset, Options options, Quality quality, Path targetFile,
      Agent targetAgent, Path originalFile, Agent originalAgent) {
    DatasetConfig config = preset.dataset();
    DatasetConfig.PoorJudge poorJudge = config.poorJudge();
    if (options.getJudgeAgreement() != null && quality != Quality.POOR_JUDGE) {
      throw new IllegalArgumentException("--judge-agreement applies to --quality poor-judge only, not to " + quality);
    }
    if (options.getTemperature() != null) {
      return new Temperature(options.getTemperature(), "--temperature");
    }
    if (quality != Quality.POOR_JUDGE) {
      return new Temperature(config.temperature(), "temperature in " + preset.file());
    }
    Double agreement = options.getJudgeAgreement() != null ? options.getJudgeAgreement()
        : poorJudge != null ? poorJudge.agreement() : null;
    if (agreement == null) {
      if (poorJudge == null) {
        throw new IllegalArgumentException(preset.file() + " has no 'poor_judge' section; add one, or pass"
            + " --judge-agreement or --temperature");
      }
      return new Temperature(poorJudge.temperature(), "poor_judge.temperature in " + preset.file());
    }
    double gap;
    String gapSource;
    if (poorJudge != null && poorJudge.returnGap() != null) {
      gap = poorJudge.returnGap();
      gapSource = "poor_judge.return_gap in " + preset.file();
    } else {
      double targetReturn = recordedReturn(AgentRole.TARGET, targetFile, targetAgent, config.task());
      double originalReturn = recordedReturn(AgentRole.ORIGINAL, originalFile, originalAgent, config.task());
      gap = targetReturn - originalReturn;
      gapSource = String.format("the agents' recorded mean returns %.1f − %.1f", targetReturn, originalReturn);
    }
    return new Temperature(BradleyTerryJudge.calibrated(gap, agreement).temperature(),
        String.format("calibrated: P(target ≻ original) = %s at Δr = %.1f (%s), η = Δr / ln(p/(1−p))",
            number(agreement), gap, gapSource));
  }

  private static AgentSource agentSource(AgentRole role, Path file) {
    try {
      return new AgentSource(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(role + " agent file " + file + " does not exist; train it with 'mirrorpo"
          + " agents train' (see agents/README.md) or fix the path");
    } catch (IOException e) {
      throw new IllegalArgumentException(role + " agent file " + file + " cannot be read: " + e.getMessage());
    }
  }

  private static double recordedReturn(AgentRole role, Path file, Agent agent, String task) {
    Agent.Evaluation evaluation = agent.evaluation();
    if (evaluation == null || !evaluation.env().equals(task)) {
      throw new IllegalArgumentException("cannot calibrate the poor judge: " + role + " agent file " + file
          + " records no evaluation on " + task + (evaluation == null ? "" : " (only on " + evaluation.env() + ")")
          + "; set poor_judge.return_gap (mean return of target minus original on " + task + ", see 'mirrorpo"
          + " agents eval FILE --env " + task + "') or poor_judge.temperature");
    }
    return evaluation.meanReturn();
  }

  private static DatasetManifest.AgentInfo agentInfo(Path file, AgentSource source, Agent agent) {
    Agent.Evaluation evaluation = agent.evaluation();
    return new DatasetManifest.AgentInfo(file.toString(), Sha256.ofText(source.json()), agent.task(),
        evaluation == null ? null : new DatasetManifest.AgentEvaluation(evaluation.env(), evaluation.episodes(),
            evaluation.meanReturn(), evaluation.standardError()));
  }


  /** A number as a person writes it, to 4 significant digits: 1 rather than 1.0, 252.8 rather than 252.80718890849857. */
  private static String number(double value) {
    return new BigDecimal(value).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }
}
