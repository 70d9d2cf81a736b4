package dev.mirrorpo.cli;

import dev.mirrorpo.learning.data.DatasetStatistics;
import dev.mirrorpo.learning.io.JsonLines;
import dev.mirrorpo.pipelines.DatasetPipeline;
import dev.mirrorpo.pipelines.PreferenceDatasets;
import dev.mirrorpo.runfiles.Origin;
import dev.mirrorpo.transforms.datasets.DatasetManifest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** `mirrorpo dataset ...`: generate preference datasets with a Beam pipeline, inspect them. */
@Command(name = "dataset", mixinStandardHelpOptions = true,
    description = "Preference datasets: generate them (a Beam pipeline), inspect them.",
    subcommands = {DatasetCommand.Generate.class, DatasetCommand.Inspect.class, DatasetCommand.Bench.class})
final class DatasetCommand {

  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = "Generate a preference dataset: Parquet files under OUT/data/, then OUT/manifest.json.")
  static final class Generate implements Callable<Integer>, PipelineArguments.PipelineCommand {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Unmatched List<String> args = new ArrayList<>();

    @Override
    public Class<DatasetPipeline.Options> pipelineOptions() {
      return DatasetPipeline.Options.class;
    }

    @Override
    public Integer call() {
      String command = Provenance.command(spec.commandLine().getParseResult().originalArgs());
      DatasetPipeline.Options options = DatasetPipeline.options(PipelineArguments.toBeam(args,
          DatasetPipeline.Options.class));
      DatasetManifest manifest = DatasetPipeline.generate(options,
          new Origin(command, Provenance.gitCommit(), Provenance.now()), spec.commandLine().getErr());
      spec.commandLine().getOut().printf("%s: %d %s pairs on %s, %d files, %.1f MB%n", options.getOut(),
          manifest.counts().pairs(), manifest.config().quality(), manifest.config().task(), manifest.files().size(),
          manifest.totalBytes() / 1e6);
      return 0;
    }
  }

  @Command(name = "inspect", mixinStandardHelpOptions = true,
      description = "Verify a dataset against its manifest and summarise its rows.")
  static final class Inspect implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "Dataset directory.")
    Path dataset;

    @Option(names = "--json", description = "Print one JSON line.")
    boolean json;

    @Override
    public Integer call() {
      PreferenceDatasets.Inspection inspection;
      try {
        inspection = PreferenceDatasets.inspect(dataset);
      } catch (IllegalArgumentException e) {
        if (!json) {
          throw e;
        }
        // A script reading the JSON line gets the refusal as JSON too, with the same exit code.
        Map<String, Object> refusal = new LinkedHashMap<>();
        refusal.put("dataset", dataset.toString());
        refusal.put("error", e.getMessage());
        spec.commandLine().getOut().println(JsonLines.line(refusal));
        return CommandLine.ExitCode.USAGE;
      }
      DatasetManifest manifest = inspection.manifest();
      DatasetManifest.Config config = manifest.config();
      DatasetStatistics statistics = inspection.statistics();
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("dataset", dataset.toString());
        fields.put("task", config.task());
        fields.put("quality", config.quality());
        fields.put("pairs", statistics.pairs());
        fields.put("length", config.length());
        fields.put("seed", config.seed());
        fields.put("noise", config.noise());
        fields.put("temperature", config.temperature());
        fields.put("flipped", statistics.flipped());
        fields.put("flip_rate", statistics.flipRate());
        fields.put("agreement_with_returns", statistics.agreementWithReturns());
        fields.put("mean_chosen_return", statistics.meanChosenReturn());
        fields.put("mean_rejected_return", statistics.meanRejectedReturn());
        fields.put("mean_return_by_agent", statistics.meanReturnByAgent());
        fields.put("pair_types", statistics.pairTypeCounts());
        fields.put("mean_length", statistics.meanLength());
        fields.put("files", manifest.files().size());
        fields.put("bytes", inspection.bytesOnDisk());
        fields.put("bytes_per_pair", inspection.bytesOnDisk() / Math.max(1, statistics.pairs()));
        fields.put("schema_version", manifest.schemaVersion());
        fields.put("rows_sha256", inspection.rowsSha256());
        out.println(JsonLines.line(fields));
      } else {
        long pairs = statistics.pairs();
        out.printf("dataset %s: %d %s pairs on %s, length %d, seed %d, η %s, ε %s (schema version %d)%n", dataset,
            pairs, config.quality(), config.task(), config.length(), config.seed(), config.temperature(),
            config.noise(), manifest.schemaVersion());
        out.printf("  flip rate               %.3f (%d of %d)%n", statistics.flipRate(), statistics.flipped(), pairs);
        out.printf("  agreement with returns  %.3f (chosen side has the higher true return)%n",
            statistics.agreementWithReturns());
        out.printf("  mean true return        chosen %.1f, rejected %.1f; by agent: %s%n", statistics.meanChosenReturn(),
            statistics.meanRejectedReturn(), statistics.meanReturnByAgent().entrySet().stream()
                .map(e -> String.format("%s %.1f", e.getKey(), e.getValue())).collect(Collectors.joining(", ")));
        out.printf("  pair types              %s%n", statistics.pairTypeCounts().entrySet().stream()
            .map(e -> String.format("%s %d (%.1f%%)", e.getKey(), e.getValue(), 100.0 * e.getValue() / pairs))
            .collect(Collectors.joining(", ")));
        out.printf("  mean length             %.1f steps%n", statistics.meanLength());
        out.printf("  on disk                 %d files, %.1f MB (%.1f kB per pair)%n", manifest.files().size(),
            inspection.bytesOnDisk() / 1e6, inspection.bytesOnDisk() / 1e3 / pairs);
        out.printf("  rows digest             %s (SHA-256 of the rows in pair order)%n", inspection.rowsSha256());
      }
      return 0;
    }
  }

  @Command(name = "bench", mixinStandardHelpOptions = true,
      description = "Generation throughput of a preset: pairs/s, environment steps/s and bytes per pair"
          + " (into a temporary directory, deleted afterwards).")
  static final class Bench implements Callable<Integer>, PipelineArguments.PipelineCommand {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Unmatched List<String> args = new ArrayList<>();

    @Override
    public Class<DatasetPipeline.Options> pipelineOptions() {
      return DatasetPipeline.Options.class;
    }

    @Option(names = "--json", description = "Print one JSON line.")
    boolean json;

    @Override
    public Integer call() throws IOException {
      Path temporary = Files.createTempDirectory("mirrorpo-dataset-bench");
      // A directory inside it, so that the dataset's lock file beside it goes with it.
      Path dataset = temporary.resolve("dataset");
      try {
        String command = Provenance.command(spec.commandLine().getParseResult().originalArgs());
        // Only the figures: the progress lines would interleave with the other benchmarks' JSON lines.
        PrintWriter noProgress = new PrintWriter(Writer.nullWriter());
        DatasetPipeline.Options options = DatasetPipeline.options(PipelineArguments.toBeam(args,
            DatasetPipeline.Options.class));
        options.setOut(dataset.toString());
        options.setOverwrite(true);
        DatasetManifest manifest = DatasetPipeline.generate(options,
            new Origin(command, Provenance.gitCommit(), Provenance.now()), noProgress);
        DatasetManifest.Config config = manifest.config();
        long pairs = manifest.counts().pairs();
        double pairsPerSecond = manifest.generation().pairsPerSecond();
        double meanLength = manifest.summary().meanLength();
        double stepsPerSecond = pairsPerSecond * 2 * meanLength;
        long bytesPerPair = manifest.totalBytes() / pairs;
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
          Map<String, Object> fields = new LinkedHashMap<>();
          fields.put("benchmark", "dataset_generation");
          fields.put("config", options.getConfig());
          fields.put("task", config.task());
          fields.put("quality", config.quality());
          fields.put("pairs", pairs);
          fields.put("length", config.length());
          fields.put("mean_length", Math.round(meanLength * 10) / 10.0);
          fields.put("runner", manifest.runner());
          fields.put("seconds", Math.round(manifest.generation().seconds() * 100) / 100.0);
          fields.put("pairs_per_s", Math.round(pairsPerSecond * 100) / 100.0);
          fields.put("env_steps_per_s", Math.round(stepsPerSecond));
          fields.put("bytes_per_pair", bytesPerPair);
          out.println(JsonLines.line(fields));
        } else {
          out.printf("%s: %d %s pairs on %s in %.1f s: %.2f pairs/s (%.0f environment steps/s), %d bytes per pair%n",
              options.getConfig(), pairs, config.quality(), config.task(), manifest.generation().seconds(),
              pairsPerSecond, stepsPerSecond, bytesPerPair);
        }
      } finally {
        PreferenceDatasets.delete(temporary);
      }
      return 0;
    }
  }
}
