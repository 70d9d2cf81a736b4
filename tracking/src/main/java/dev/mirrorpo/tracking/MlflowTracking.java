package dev.mirrorpo.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
 * A connection to an MLflow tracking server (docs/design.md §11): experiments by name, and runs that are
 * logged exactly once however often the same results are replayed. Each run carries a key tag; a run
 * with that key and the completion tag is never logged again, one without it (a crash mid-way) is
 * deleted and logged anew. Parquet stays the source of truth; this is a view of it.
 */
public final class MlflowTracking implements AutoCloseable {
  public static final String DEFAULT_URI = "http://127.0.0.1:5000";
  static final String KEY_TAG = "mirrorpo.key";
  static final String COMPLETE_TAG = "mirrorpo.complete";
  /**
   * MLflow 3's record of an experiment's kind, model training or GenAI (traces, evaluation runs); mirrorpo's are
   * model training. MLflow UIs that open an experiment by its kind go by it; 3.17's goes by a switch of its own
   * ({@link #experimentPage}).
   */
  public static final String EXPERIMENT_KIND_TAG = "mlflow.experimentKind";
  public static final String MODEL_TRAINING = "custom_model_development";
  private static final String MODEL_TRAINING_VIEW = "?workflowType=machine_learning";
  /** MLflow's list of a run's artifacts that its UI shows as tables rather than as JSON text. */
  static final String LOGGED_ARTIFACTS_TAG = "mlflow.loggedArtifacts";
  private static final int MAX_PARAMS_PER_REQUEST = 100;
  private static final int MAX_METRICS_PER_REQUEST = 1000;

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String uri;
  private final BasicMlflowHostCreds credentials;
  private final MlflowClient client;

  private MlflowTracking(String uri, BasicMlflowHostCreds credentials, MlflowClient client) {
    this.uri = uri;
    this.credentials = credentials;
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
    return new MlflowTracking(uri, credentials, client);
  }

  public String uri() {
    return uri;
  }

  /**
   * The id of the experiment called {@code name}, created if it does not exist, and tagged as a model-training
   * experiment (also one created before the tag was set, so that it opens in the training view too).
   */
  public String experiment(String name) {
    String id = null;
    // searchExperiments, not getExperimentByName: the client logs a retried 404 for a missing name.
    for (Experiment experiment : client.searchExperiments("name = '" + name.replace("'", "''") + "'").getItems()) {
      if (experiment.getName().equals(name)) {
        id = experiment.getExperimentId();
        if (experiment.getTagsList().stream().anyMatch(tag -> tag.getKey().equals(EXPERIMENT_KIND_TAG)
            && tag.getValue().equals(MODEL_TRAINING))) {
          return id;
        }
      }
    }
    if (id == null) {
      id = client.createExperiment(name);
    }
    client.setExperimentTag(id, EXPERIMENT_KIND_TAG, MODEL_TRAINING);
    return id;
  }

  /**
   * The UI's page of an experiment's runs. MLflow 3.17's UI shows either its GenAI or its model-training pages,
   * by a switch of its own (GenAI in a new browser) rather than by {@link #EXPERIMENT_KIND_TAG}: the link says
   * which, so that it opens on the runs, their metrics and artifacts.
   */
  public String experimentPage(String experimentId) {
    return uri.replaceFirst("/+$", "") + "/#/experiments/" + experimentId + MODEL_TRAINING_VIEW;
  }

  /** The UI's page of one run, in the model-training view (see {@link #experimentPage}). */
  public String runPage(String experimentId, String runId) {
    return uri.replaceFirst("/+$", "") + "/#/experiments/" + experimentId + "/runs/" + runId + MODEL_TRAINING_VIEW;
  }

  /**
   * MLflow's standard source tags, which its UI shows as the run's source and git commit, with the whole command
   * line and the preset. The source's name is the command's entry point ("mirrorpo evolve"): the UI shows a
   * local source's name from its last slash on, which would cut a command line with paths in it.
   *
   * @param command the command line that made the results
   * @param gitCommit the commit of the code that ran it ("unknown" outside a git checkout)
   * @param preset the preset file it read
   */
  public static Map<String, String> sourceTags(String command, String gitCommit, String preset) {
    String[] words = command.split(" ", 3);
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("mlflow.source.type", "LOCAL");
    tags.put("mlflow.source.name", words.length < 2 ? command : words[0] + " " + words[1]);
    tags.put("mlflow.source.git.commit", gitCommit);
    tags.put("mirrorpo.command", command);
    tags.put("mirrorpo.preset", preset);
    return tags;
  }

  /**
   * A run's name as the UI lists it: what made it, on what, with which seed, e.g. "search hopper/quick-base seed 3"
   * or "benchmark hopper/noisy orpo lambda=0.5 seed 1".
   *
   * @param mode search or benchmark
   * @param what what the run trained, or nothing for a search (it trains the MPO family)
   */
  public static String runName(String mode, String task, String dataset, String what, long seed) {
    return mode + " " + task + "/" + dataset + (what.isEmpty() ? "" : " " + what) + " seed " + seed;
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
    logParams(id, params);
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

  /**
   * The id of the run tagged with {@code key} in {@code experimentId}, created (with {@code params}) if
   * there is none; params already there are not logged again (MLflow params are write-once). {@code tags}
   * are set every time (a tag takes its last value).
   */
  public String ensureRun(String experimentId, String key, String name, Map<String, String> params,
      Map<String, String> tags) {
    List<RunInfo> found = client.searchRuns(List.of(experimentId), "tags.`" + KEY_TAG + "` = '" + key + "'");
    String id = found.isEmpty()
        ? client.createRun(CreateRun.newBuilder().setExperimentId(experimentId).setRunName(name)
            .setStartTime(System.currentTimeMillis()).addTags(tag(KEY_TAG, key)).build()).getRunId()
        : found.get(0).getRunId();
    Set<String> present = new HashSet<>();
    client.getRun(id).getData().getParamsList().forEach(param -> present.add(param.getKey()));
    List<Param> missing = new ArrayList<>();
    params.forEach((k, v) -> {
      if (!present.contains(k)) {
        missing.add(Param.newBuilder().setKey(k).setValue(v).build());
      }
    });
    logParams(id, missing);
    setTags(id, tags);
    return id;
  }

  /** Sets {@code tags} on a run in one request. */
  public void setTags(String runId, Map<String, String> tags) {
    List<RunTag> batch = new ArrayList<>();
    tags.forEach((k, v) -> batch.add(tag(k, v)));
    client.logBatch(runId, List.of(), List.of(), batch);
  }

  /**
   * Marks the run's artifacts {@code names} as tables ({@link #LOGGED_ARTIFACTS_TAG}), for MLflow's UI to show
   * them as such: each a JSON object {"columns": [...], "data": [[...], ...]}.
   */
  public void markTables(String runId, Set<String> names) {
    ArrayNode tables = JSON.createArrayNode();
    names.forEach(name -> tables.addObject().put("path", name).put("type", "table"));
    setTags(runId, Map.of(LOGGED_ARTIFACTS_TAG, tables.toString()));
  }

  /** Logs params in requests the server accepts (at most 100 params each). */
  private void logParams(String runId, List<Param> params) {
    for (int from = 0; from < params.size(); from += MAX_PARAMS_PER_REQUEST) {
      client.logBatch(runId, List.of(), params.subList(from, Math.min(params.size(), from + MAX_PARAMS_PER_REQUEST)),
          List.of());
    }
  }

  /** The steps at which {@code metric} has been logged in a run. */
  public Set<Long> loggedSteps(String runId, String metric) {
    Set<Long> steps = new TreeSet<>();
    client.getMetricHistory(runId, metric).forEach(m -> steps.add(m.getStep()));
    return steps;
  }

  /** Logs finite {@code metrics} at {@code step} in one request. */
  public void logMetrics(String runId, long step, Map<String, Double> metrics) {
    long now = System.currentTimeMillis();
    List<Metric> batch = new ArrayList<>();
    metrics.forEach((k, v) -> {
      if (Double.isFinite(v)) {
        batch.add(Metric.newBuilder().setKey(k).setValue(v).setTimestamp(now).setStep(step).build());
      }
    });
    client.logBatch(runId, batch, List.of(), List.of());
  }

  public void finish(String runId, boolean failed) {
    client.setTerminated(runId, failed ? RunStatus.FAILED : RunStatus.FINISHED);
  }

  /** The names of the run's top-level artifacts, listed through the server's artifact proxy. */
  public Set<String> artifacts(String runId) {
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(uri.replaceFirst("/+$", "") + "/api/2.0/mlflow-artifacts/artifacts?path="
            + java.net.URLEncoder.encode(proxyPath(runId), StandardCharsets.UTF_8))).GET(), "list artifacts");
    Set<String> names = new TreeSet<>();
    try {
      JsonNode files = JSON.readTree(response.body()).path("files");
      files.forEach(file -> names.add(file.path("path").asText()));
    } catch (IOException e) {
      throw new IllegalStateException("MLflow answered the artifact listing with something else than JSON", e);
    }
    return names;
  }

  /**
   * Uploads {@code file} as artifact {@code name} through the server's artifact proxy (the local server
   * runs with --artifacts-destination), in Java: the client's artifact calls would shell out to Python.
   */
  public void uploadArtifact(String runId, Path file, String name) {
    try {
      send(HttpRequest.newBuilder(artifactUri(runId, name)).PUT(HttpRequest.BodyPublishers.ofFile(file)),
          "upload artifact " + name);
    } catch (java.io.FileNotFoundException e) {
      throw new IllegalStateException("artifact " + file + " is missing", e);
    }
  }

  /** Uploads {@code text} as artifact {@code name}, as {@link #uploadArtifact} does a file. */
  public void uploadArtifact(String runId, String text, String name) {
    send(HttpRequest.newBuilder(artifactUri(runId, name)).PUT(HttpRequest.BodyPublishers.ofString(text)),
        "upload artifact " + name);
  }

  /** The run's artifact directory as a path under the proxy, e.g. 2/RUN/artifacts. */
  private String proxyPath(String runId) {
    String prefix = "mlflow-artifacts:/";
    String artifactUri = client.getRun(runId).getInfo().getArtifactUri();
    if (!artifactUri.startsWith(prefix)) {
      throw new IllegalStateException("MLflow run " + runId + " stores artifacts at " + artifactUri + ", not through"
          + " the server's artifact proxy; start the server with --artifacts-destination (make mlflow-up does)");
    }
    return artifactUri.substring(prefix.length()).replaceFirst("^/+", "");
  }

  private URI artifactUri(String runId, String name) {
    return URI.create(uri.replaceFirst("/+$", "") + "/api/2.0/mlflow-artifacts/artifacts/" + proxyPath(runId) + "/"
        + name);
  }

  /** Sends a request with the connection's credentials; fails on anything but 2xx. */
  private HttpResponse<String> send(HttpRequest.Builder request, String what) {
    if (credentials.getToken() != null) {
      request.header("Authorization", "Bearer " + credentials.getToken());
    } else if (credentials.getUsername() != null) {
      String password = credentials.getPassword() == null ? "" : credentials.getPassword();
      request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
          (credentials.getUsername() + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    try {
      HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        throw new IllegalStateException("MLflow refused to " + what + " (HTTP " + response.statusCode() + ": "
            + response.body() + ")");
      }
      return response;
    } catch (IOException e) {
      throw new IllegalStateException("cannot " + what + " at MLflow " + uri + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while trying to " + what, e);
    }
  }

  /** A run's id and whether this call logged it (false: it was there already). */
  public record Logged(String runId, boolean now) {}

  private static RunTag tag(String key, String value) {
    return RunTag.newBuilder().setKey(key).setValue(value).build();
  }

  /** The underlying client, for tests and reads. */
  public MlflowClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
  }
}
