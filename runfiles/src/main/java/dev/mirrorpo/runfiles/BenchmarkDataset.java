package dev.mirrorpo.runfiles;

import dev.mirrorpo.transforms.datasets.DatasetManifest;
import java.nio.file.Path;

/** A dataset of a benchmark: its column name, directory, manifest and the manifest's SHA-256. */
public record BenchmarkDataset(String name, Path directory, DatasetManifest manifest, String manifestSha256) {
  public String task() {
    return manifest.config().task();
  }
}
