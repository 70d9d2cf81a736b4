package dev.mirrorpo.pipelines;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * A connection to an MLflow tracking server (DESIGN §10): experiments by name, and runs that are
 * logged exactly once however often the same results are replayed. Each run carries a key tag; a run
 * with that key and the completion tag is never logged again, one without it (a crash mid-way) is
 * deleted and logged anew. Parquet stays the source of truth; this is a view of it.
 */
public final class MlflowTracking implements AutoCloseable {
  public static final String DEFAULT_URI = "http://127.0.0.1:5000";
  static final String KEY_TAG = "mirrorpo.key";
  static final String COMPLETE_TAG = "mirrorpo.complete";
  private static final int MAX_PARAMS_PER_REQUEST = 100;
  private static final int MAX_METRICS_PER_REQUEST = 1000;

  private final String uri;
  private final MlflowClient client;

  private MlflowTracking(String uri, MlflowClient client) {
    this.uri = uri;
    this.client = client;
  }

  /** The server to use: the given URI, else MLFLOW_TRACKING_URI, else the local server of `make mlflow-up`. */
  public static String resolveUri(String given) {
    if (given != null && !given.isBlank()) {
      return given;
    }
    String fromEnvironment = System.getenv("MLFLOW_TRACKING_URI");
    return fromEnvironment != null && !fromEnvironment.isBlank() ? fromEnvironment : DEFAULT_URI;
  }

  /**
   * Connects and checks that the server answers. Credentials come from MLFLOW_TRACKING_TOKEN or
   * MLFLOW_TRACKING_USERNAME/PASSWORD and are never logged.
   *
   * @throws IllegalStateException with one message if the server cannot be reached
   */
  public static MlflowTracking connect(String uri) {
    if (!uri.startsWith("http://") && !uri.startsWith("https://")) {
      throw new IllegalStateException("MLflow tracking URI " + uri + " is not http(s); the Java client talks to a"
          + " tracking server only (start one with `make mlflow-up`)");
    }
    String token = System.getenv("MLFLOW_TRACKING_TOKEN");
    String user = System.getenv("MLFLOW_TRACKING_USERNAME");
    BasicMlflowHostCreds credentials = token != null && !token.isBlank() ? new BasicMlflowHostCreds(uri, token)
        : user != null ? new BasicMlflowHostCreds(uri, user, System.getenv("MLFLOW_TRACKING_PASSWORD"))
        : new BasicMlflowHostCreds(uri);
    MlflowClient client = new MlflowClient(credentials);
    try {
      client.searchExperiments();
    } catch (RuntimeException e) {
      client.close();
      throw new IllegalStateException("MLflow at " + uri + " is not reachable (" + e.getMessage() + "); start it with"
          + " `make mlflow-up` or set MLFLOW_TRACKING_URI", e);
    }
    return new MlflowTracking(uri, client);
  }

  public String uri() {
    return uri;
  }

  /** The id of the experiment called {@code name}, created if it does not exist. */
  public String experiment(String name) {
    // searchExperiments, not getExperimentByName: the client logs a retried 404 for a missing name.
    for (Experiment experiment : client.searchExperiments("name = '" + name.replace("'", "''") + "'").getItems()) {
      if (experiment.getName().equals(name)) {
        return experiment.getExperimentId();
      }
    }
    return client.createExperiment(name);
  }

  /** What one run holds. Metrics in a list are logged with step = their index + 1. */
  public record RunRecord(String key, String name, Map<String, String> params, Map<String, Double> metrics,
      Map<String, List<Double>> curves, Map<String, String> tags, boolean failed) {}

  /**
   * Logs {@code run} into {@code experimentId} unless a complete run with its key is there.
   *
   * @return the run's id, and whether it was logged now
   */
  public Logged log(String experimentId, RunRecord run) {
    for (RunInfo info : client.searchRuns(List.of(experimentId), "tags.`" + KEY_TAG + "` = '" + run.key() + "'")) {
      boolean complete = client.getRun(info.getRunId()).getData().getTagsList().stream()
          .anyMatch(tag -> tag.getKey().equals(COMPLETE_TAG));
      if (complete) {
        return new Logged(info.getRunId(), false);
      }
      client.deleteRun(info.getRunId());
    }
    long now = System.currentTimeMillis();
    RunInfo info = client.createRun(CreateRun.newBuilder().setExperimentId(experimentId).setRunName(run.name())
        .setStartTime(now).addTags(tag(KEY_TAG, run.key())).build());
    String id = info.getRunId();

    List<Param> params = new ArrayList<>();
    run.params().forEach((k, v) -> params.add(Param.newBuilder().setKey(k).setValue(v).build()));
    for (int from = 0; from < params.size(); from += MAX_PARAMS_PER_REQUEST) {
      client.logBatch(id, List.of(), params.subList(from, Math.min(params.size(), from + MAX_PARAMS_PER_REQUEST)),
          List.of());
    }
    List<Metric> metrics = new ArrayList<>();
    run.metrics().forEach((k, v) -> {
      if (Double.isFinite(v)) {
        metrics.add(Metric.newBuilder().setKey(k).setValue(v).setTimestamp(now).setStep(0).build());
      }
    });
    run.curves().forEach((k, values) -> {
      for (int i = 0; i < values.size(); i++) {
        if (Double.isFinite(values.get(i))) {
          metrics.add(Metric.newBuilder().setKey(k).setValue(values.get(i)).setTimestamp(now).setStep(i + 1).build());
        }
      }
    });
    for (int from = 0; from < metrics.size(); from += MAX_METRICS_PER_REQUEST) {
      client.logBatch(id, metrics.subList(from, Math.min(metrics.size(), from + MAX_METRICS_PER_REQUEST)), List.of(),
          List.of());
    }
    List<RunTag> tags = new ArrayList<>();
    run.tags().forEach((k, v) -> tags.add(tag(k, v)));
    tags.add(tag(COMPLETE_TAG, "true"));
    client.logBatch(id, List.of(), List.of(), tags);
    client.setTerminated(id, run.failed() ? RunStatus.FAILED : RunStatus.FINISHED);
    return new Logged(id, true);
  }

  /** A run's id and whether this call logged it (false: it was there already). */
  public record Logged(String runId, boolean now) {}

  private static RunTag tag(String key, String value) {
    return RunTag.newBuilder().setKey(key).setValue(value).build();
  }

  /** The underlying client, for tests and reads. */
  MlflowClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
  }
}
