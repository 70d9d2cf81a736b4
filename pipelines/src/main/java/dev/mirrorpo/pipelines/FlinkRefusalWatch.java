package dev.mirrorpo.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorpo.transforms.training.DataNotVisibleOnWorker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Watches a job on a Flink session cluster for a worker's {@link DataNotVisibleOnWorker} and cancels the job
 * when it sees one. A TaskManager that cannot see the dataset fails the same way on every attempt, so
 * the restart strategy (4 attempts, 10 s apart) would only delay the message by a minute; the driver
 * waits for the job in Flink's client and learns nothing until then, hence this watch on the REST API.
 */
final class FlinkRefusalWatch implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(3);
  private static final String MARKER = DataNotVisibleOnWorker.class.getName() + ": ";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI rest;
  private final String jobName;
  private final long submittedAfter = System.currentTimeMillis();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(ANSWER_WITHIN).build();
  private final AtomicReference<String> refusal = new AtomicReference<>();
  private final Thread thread;

  private FlinkRefusalWatch(URI rest, String jobName) {
    this.rest = rest;
    this.jobName = jobName;
    this.thread = new Thread(this::watch, "flink-refusal-watch");
    thread.setDaemon(true);
  }

  /** Starts watching for the job named {@code jobName} that is about to be submitted to {@code rest}. */
  static FlinkRefusalWatch start(URI rest, String jobName) {
    FlinkRefusalWatch watch = new FlinkRefusalWatch(rest, jobName);
    watch.thread.start();
    return watch;
  }

  /** The worker's message if the watch stopped the job for it, else null. */
  String refusal() {
    return refusal.get();
  }

  private void watch() {
    try {
      while (!Thread.currentThread().isInterrupted() && refusal.get() == null) {
        for (JsonNode job : get("/jobs/overview").path("jobs")) {
          if (job.path("name").asText().equals(jobName) && job.path("start-time").asLong() >= submittedAfter - 1000) {
            String message = workerRefusal(get("/jobs/" + job.path("jid").asText() + "/exceptions"));
            if (message != null) {
              refusal.set(message);
              cancel(job.path("jid").asText());
            }
          }
        }
        Thread.sleep(POLL.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      // The job's own outcome is reported anyway; the watch only shortens the wait for one kind of failure.
    }
  }

  /** The refusal's message in a job's exception history, if a worker failed with one. */
  static String workerRefusal(JsonNode exceptions) {
    StringBuilder traces = new StringBuilder(exceptions.path("root-exception").asText());
    for (JsonNode entry : exceptions.path("exceptionHistory").path("entries")) {
      traces.append('\n').append(entry.path("stacktrace").asText());
    }
    int at = traces.indexOf(MARKER);
    if (at < 0) {
      return null;
    }
    int end = traces.indexOf("\n", at);
    return traces.substring(at + MARKER.length(), end < 0 ? traces.length() : end).strip();
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(rest.resolve(path)).timeout(ANSWER_WITHIN)
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  private void cancel(String jobId) throws IOException, InterruptedException {
    http.send(HttpRequest.newBuilder(rest.resolve("/jobs/" + jobId + "?mode=cancel")).timeout(ANSWER_WITHIN)
        .method("PATCH", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}
