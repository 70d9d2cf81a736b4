package dev.mirrorpo.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * What a pipeline needs before it goes to a Flink session cluster ({@code --runner=FlinkRunner
 * --flinkMaster=HOST:PORT}; the embedded {@code [local]} and {@code [auto]} need none of it): a cluster
 * that answers, the job jar staged instead of the driver's classpath, the cluster's slots as the
 * default parallelism, and data paths that the TaskManagers resolve as the driver does.
 */
public final class FlinkSessionCluster {
  /** Where bin/mirrorpo and the tests say the project is, to find flink-job's jar and flink-conf/. */
  public static final String HOME_PROPERTY = "mirrorpo.home";
  public static final String JOB_JAR = "flink-job/target/mirrorpo-flink-job.jar";
  /** The options of the three pipelines that name data the workers read or write. */
  private static final List<String> WORKER_PATHS = List.of("out", "dataset", "datasets");
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(3);

  private FlinkSessionCluster() {}

  /** Whether the options submit to a session cluster rather than run in this JVM. */
  static boolean submitsTo(PipelineOptions options) {
    if (options.getRunner() != FlinkRunner.class) {
      return false;
    }
    String master = options.as(FlinkPipelineOptions.class).getFlinkMaster();
    return !master.startsWith("[");
  }

  /**
   * Checks that the cluster answers (within seconds, instead of Flink's client retrying for a minute),
   * stages the job jar unless --filesToStage names files, and defaults the parallelism to the cluster's
   * slots.
   *
   * @throws IllegalArgumentException naming the address if no cluster answers there or it has no slot
   */
  public static void prepare(PipelineOptions options) {
    if (!submitsTo(options)) {
      return;
    }
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    URI rest = restAddress(flink.getFlinkMaster());
    JsonNode overview = overview(rest);
    int slots = overview.path("slots-total").asInt(0);
    if (slots == 0) {
      throw new IllegalArgumentException("the Flink cluster at " + rest + " has no TaskManager; start one"
          + " (make flink-up, or scripts/flink-cluster.sh taskmanager runs/flink)");
    }
    Path home = Path.of(System.getProperty(HOME_PROPERTY, "."));
    if (flink.getFilesToStage() == null) {
      Path jar = home.resolve(JOB_JAR);
      if (!Files.isRegularFile(jar)) {
        throw new IllegalArgumentException("the job jar " + jar + " for the Flink cluster is missing; run 'make build'");
      }
      flink.setFilesToStage(List.of(jar.toAbsolutePath().toString()));
    }
    if (flink.getFlinkConfDir() == null && Files.isDirectory(home.resolve("flink-conf"))) {
      // The client's limits must match the cluster's, e.g. the size of a job jar it may upload.
      flink.setFlinkConfDir(home.resolve("flink-conf").toAbsolutePath().toString());
    }
    if (flink.getParallelism() == null || flink.getParallelism() <= 0) {
      flink.setParallelism(slots);
    }
  }

  /**
   * Refuses, before anything is trained, a data path that a TaskManager would resolve differently: a
   * relative path (a TaskManager resolves it in its own working directory) or a local path that does
   * not exist here. A path with a scheme (gs://, s3://, ...) goes through Beam's FileSystems as is.
   *
   * @throws IllegalArgumentException naming the option and what to give instead
   */
  static void requireWorkerPaths(PipelineOptions options) {
    if (!submitsTo(options)) {
      return;
    }
    JsonNode given = new ObjectMapper().valueToTree(options).path("options");
    for (String option : WORKER_PATHS) {
      JsonNode value = given.get(option);
      if (value == null || value.isNull()) {
        continue;
      }
      for (String path : value.asText().split(",")) {
        if (path.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
          continue;
        }
        Path local = Path.of(path);
        if (!local.isAbsolute()) {
          throw new IllegalArgumentException("--" + option + " " + path + " is relative, and a Flink TaskManager"
              + " resolves it in its own working directory; give an absolute path on a filesystem every"
              + " TaskManager mounts at the same place, or an object store URI (docs/flink.md)");
        }
        Path existing = option.equals("out") ? local.getParent() : local;
        if (existing != null && !Files.isDirectory(existing)) {
          throw new IllegalArgumentException("--" + option + " " + path + ": " + existing + " is not a directory"
              + " here, so not one the TaskManagers can see either; give a path on a filesystem every"
              + " TaskManager mounts at the same place (docs/flink.md)");
        }
      }
    }
  }

  /**
   * For a job about to be submitted to a session cluster: a watch that stops it as soon as a worker reports
   * data it cannot see; null for every other runner (in one JVM the driver's own check covers it).
   */
  static FlinkRefusalWatch watchForRefusals(PipelineOptions options) {
    if (!submitsTo(options)) {
      return null;
    }
    return FlinkRefusalWatch.start(restAddress(options.as(FlinkPipelineOptions.class).getFlinkMaster()),
        options.getJobName());
  }

  /** {@code HOST:PORT} or {@code http://HOST:PORT}, as --flinkMaster takes it. */
  static URI restAddress(String master) {
    String address = master.contains("://") ? master : "http://" + master;
    try {
      URI uri = URI.create(address);
      if (uri.getHost() == null || uri.getPort() < 0) {
        throw new IllegalArgumentException();
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--flinkMaster=" + master + " is not HOST:PORT of a Flink cluster's REST"
          + " endpoint, e.g. --flinkMaster=localhost:8081");
    }
  }

  private static JsonNode overview(URI rest) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(ANSWER_WITHIN).build();
    HttpRequest request = HttpRequest.newBuilder(rest.resolve("/overview")).timeout(ANSWER_WITHIN).GET().build();
    String down = "no Flink cluster answers at " + rest + " (--flinkMaster); start the local one with 'make flink-up'"
        + " or give the REST address of yours";
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalArgumentException(down + " (it answered HTTP " + response.statusCode() + ")");
      }
      return new ObjectMapper().readTree(response.body());
    } catch (ConnectException | HttpTimeoutException e) {
      throw new IllegalArgumentException(down);
    } catch (IOException e) {
      throw new IllegalArgumentException(down + " (" + e.getMessage() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking the Flink cluster at " + rest + " for its state", e);
    }
  }
}
