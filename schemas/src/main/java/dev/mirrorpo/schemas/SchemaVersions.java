package dev.mirrorpo.schemas;

/**
 * The versions the row schemas carry in their schema_version field. Each is read from the default
 * of that field in the .avsc file, so the schema file stays the only place a version is written.
 */
public final class SchemaVersions {
  /** Version of {@link PreferencePair} rows (PreferencePair.avsc). */
  public static final int PREFERENCE_PAIR =
      ((Number) PreferencePair.getClassSchema().getField("schema_version").defaultVal()).intValue();

  /** Version of {@link BenchmarkResult} rows (BenchmarkResult.avsc). */
  public static final int BENCHMARK_RESULT =
      ((Number) BenchmarkResult.getClassSchema().getField("schema_version").defaultVal()).intValue();

  /** Version of {@link CandidateFitness} rows (CandidateFitness.avsc). */
  public static final int CANDIDATE_FITNESS =
      ((Number) CandidateFitness.getClassSchema().getField("schema_version").defaultVal()).intValue();

  private SchemaVersions() {}
}
