package dev.mirrorpo.transforms.datasets;

import dev.mirrorpo.learning.io.AtomicFiles;
import dev.mirrorpo.learning.io.JsonFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * OUT/manifest.json of a preference dataset: how it was made (resolved config, agents, command,
 * code version, numeric environment), what it holds (counts, label statistics, the rows' digest in pair
 * order) and its files with sizes and SHA-256. Written last and atomically, so a dataset directory without
 * one is incomplete. Manifests written before the rows digest and the numerics existed have null there, so
 * the format is read as an evolving one ({@link JsonFiles#EVOLVING}).
 */
public record DatasetManifest(
    String format,
    int formatVersion,
    int schemaVersion,
    String created,
    String command,
    String gitCommit,
    String runner,
    Config config,
    Counts counts,
    Summary summary,
    Generation generation,
    List<DataFile> files,
    long totalBytes,
    String rowsSha256,
    String numerics) {
  /** Its name in the dataset directory. */
  public static final String FILE_NAME = "manifest.json";
  public static final String FORMAT = "mirrorpo-preference-dataset";
  public static final int FORMAT_VERSION = 1;

  /**
   * The dataset's parameters after the preset and the command line were resolved.
   *
   * @param configFile the preset it started from
   * @param temperatureSource how η was set: the preset, the command line, or a calibration
   * @param agents the agent of each role (target, original)
   */
  public record Config(String configFile, String task, String quality, long pairs, int length, long seed,
      double temperature, String temperatureSource, double noise, int rolloutBatch, int pairsPerChunk,
      Map<String, AgentInfo> agents) {}

  /**
   * An agent file as it was when the dataset was made.
   *
   * @param evaluation the evaluation recorded in the file, or null
   */
  public record AgentInfo(String file, String sha256, String task, AgentEvaluation evaluation) {}

  /** Mean return ± standard error over {@code episodes} episodes on {@code env}. */
  public record AgentEvaluation(String env, int episodes, double meanReturn, double standardError) {}

  public record Counts(long pairs, long flipped, Map<String, Long> pairTypes) {}

  /**
   * @param agreementWithReturns fraction of pairs whose chosen side has the higher true return
   * @param meanReturnByAgent mean true return of each role's trajectories
   * @param meanLength mean steps per trajectory
   */
  public record Summary(double flipRate, double agreementWithReturns, double meanChosenReturn,
      double meanRejectedReturn, Map<String, Double> meanReturnByAgent, double meanLength) {}

  /** Wall time of the pipeline run. */
  public record Generation(double seconds, double pairsPerSecond) {}

  /** A data file, by its path relative to the dataset directory. */
  public record DataFile(String name, long bytes, String sha256) {}

  /** Writes the manifest atomically (temporary file + rename). */
  public void write(Path file) {
    String text;
    try {
      text = JsonFiles.MAPPER.writeValueAsString(this) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode the manifest as JSON: " + e.getMessage(), e);
    }
    try {
      AtomicFiles.writeString(file, text);
    } catch (UncheckedIOException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /**
   * Reads a manifest.
   *
   * @throws IllegalArgumentException naming the file if it is missing, unreadable or of another format
   */
  public static DatasetManifest read(Path file) {
    DatasetManifest manifest;
    try {
      manifest = JsonFiles.EVOLVING.readValue(Files.readString(file), DatasetManifest.class);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no manifest " + file);
    } catch (IOException e) {
      throw new IllegalArgumentException("manifest " + file + " is unreadable or corrupt (" + e.getMessage()
          .lines().findFirst().orElse("") + "); regenerate the dataset");
    }
    if (!FORMAT.equals(manifest.format()) || manifest.formatVersion() != FORMAT_VERSION) {
      throw new IllegalArgumentException("manifest " + file + " is not a " + FORMAT + " manifest of version "
          + FORMAT_VERSION);
    }
    return manifest;
  }
}
