package dev.mirrorpo.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mirrorpo.pipelines.FlinkSessionCluster;
import dev.mirrorpo.tracking.ServiceScripts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A real Flink session cluster for a test, started and stopped with scripts/flink-cluster.sh (the
 * script behind `make flink-up`) on free ports, so that it meets neither a user's cluster on 8081 nor
 * another test's. Its REST API tells which TaskManager ran what.
 */
final class LocalFlinkCluster implements AutoCloseable {
  static final Path HOME = Path.of(System.getProperty(FlinkSessionCluster.HOME_PROPERTY, "..")).toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path directory;
  private final int restPort;
  private final int rpcPort;
  private final HttpClient http = HttpClient.newHttpClient();

  private LocalFlinkCluster(Path directory, int restPort, int rpcPort) {
    this.directory = directory;
    this.restPort = restPort;
    this.rpcPort = rpcPort;
  }

  /** Starts a JobManager and {@code taskManagers} TaskManagers of {@code slots} slots; returns when all registered. */
  static LocalFlinkCluster start(Path directory, int taskManagers, int slots) {
    LocalFlinkCluster cluster = new LocalFlinkCluster(directory, ServiceScripts.freePort(), ServiceScripts.freePort());
    cluster.script("up", String.valueOf(taskManagers), String.valueOf(slots));
    return cluster;
  }

  /** --flinkMaster of this cluster. */
  String master() {
    return "localhost:" + restPort;
  }

  /** Starts one more TaskManager and returns when it registered. */
  void addTaskManager() {
    script("taskmanager");
  }

  /** The process ids of the TaskManagers started so far, running or not. */
  Set<Long> taskManagerProcesses() {
    try (DirectoryStream<Path> pids = Files.newDirectoryStream(directory, "taskmanager-*.pid")) {
      Set<Long> processes = new HashSet<>();
      for (Path pid : pids) {
        processes.add(Long.parseLong(Files.readString(pid).trim()));
      }
      return processes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The job classloaders (Flink's {@code ChildFirstClassLoader}s) still loaded in a TaskManager's JVM after two
   * full garbage collections a second apart, as the JDK's jcmd reports them. Two: a classloader that nothing
   * holds any more may still be registered with a {@code Cleaner}, whose thread must run before a collection
   * can unload it.
   */
  int jobClassloaders(long process) throws InterruptedException {
    jcmd(process, "GC.run");
    Thread.sleep(1000);
    jcmd(process, "GC.run");
    return (int) jcmd(process, "VM.classloader_stats").lines()
        .filter(line -> line.endsWith("org.apache.flink.util.ChildFirstClassLoader")).count();
  }

  /** The JDK's jcmd on a JVM of this cluster: its output. */
  private String jcmd(long process, String command) {
    Path output = directory.resolveSibling("jcmd.out");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        String.valueOf(process), command).redirectErrorStream(true).redirectOutput(output.toFile());
    ServiceScripts.run(builder, 60, () -> "jcmd " + process + " " + command + " failed: " + read(output));
    try {
      return Files.readString(output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Kills TaskManager {@code n} (1, 2, ...) with SIGKILL: no goodbye to the JobManager. */
  void killTaskManager(int n) throws IOException, InterruptedException {
    String pid = Files.readString(directory.resolve("taskmanager-" + n + ".pid")).trim();
    Process kill = new ProcessBuilder("kill", "-9", pid).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -9 " + pid + " failed");
    }
  }

  JsonNode get(String path) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
          .GET().build(), HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The id of the job that started last, or null if none has. */
  String lastJob() {
    String last = null;
    long latest = -1;
    for (JsonNode job : get("/jobs/overview").path("jobs")) {
      if (job.path("start-time").asLong() > latest) {
        latest = job.path("start-time").asLong();
        last = job.path("jid").asText();
      }
    }
    return last;
  }

  /**
   * The state a job ended in, once the REST API shows it ended: its job details are cached for a few
   * seconds, so a job that just ended may still read as running.
   */
  String awaitEnd(String job) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String state = get("/jobs/" + job).path("state").asText();
    while (!Set.of("FINISHED", "FAILED", "CANCELED").contains(state) && System.nanoTime() < deadline) {
      Thread.sleep(500);
      state = get("/jobs/" + job).path("state").asText();
    }
    return state;
  }

  /**
   * Records written, per TaskManager, by the job's vertex whose name contains {@code step}, once they add up to
   * {@code total} (or after 30 s, as they are then). The REST API serves metrics from a store it refreshes
   * every few seconds, so right after a job ended they may still be a running job's counts.
   */
  Map<String, Long> recordsWrittenByTaskManager(String job, String step, long total) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Map<String, Long> written = recordsWrittenByTaskManager(job, step);
    while (written.values().stream().mapToLong(Long::longValue).sum() != total && System.nanoTime() < deadline) {
      Thread.sleep(1000);
      written = recordsWrittenByTaskManager(job, step);
    }
    return written;
  }

  /** Records written, per TaskManager, by the job's vertex whose name contains {@code step}. */
  private Map<String, Long> recordsWrittenByTaskManager(String job, String step) {
    for (JsonNode vertex : get("/jobs/" + job).path("vertices")) {
      if (vertex.path("name").asText().contains(step)) {
        Map<String, Long> read = new HashMap<>();
        for (JsonNode tm : get("/jobs/" + job + "/vertices/" + vertex.path("id").asText() + "/taskmanagers")
            .path("taskmanagers")) {
          read.merge(tm.path("taskmanager-id").asText(), tm.path("metrics").path("write-records").asLong(), Long::sum);
        }
        return read;
      }
    }
    throw new IllegalArgumentException("job " + job + " has no vertex named like " + step);
  }

  @Override
  public void close() {
    script("down");
  }

  private void script(String action, String... arguments) {
    String[] command = new String[3 + arguments.length];
    command[0] = HOME.resolve("scripts/flink-cluster.sh").toString();
    command[1] = action;
    command[2] = directory.toString();
    System.arraycopy(arguments, 0, command, 3, arguments.length);
    Path log = directory.resolveSibling("flink-cluster.log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().put("FLINK_REST_PORT", String.valueOf(restPort));
    builder.environment().put("FLINK_RPC_PORT", String.valueOf(rpcPort));
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ServiceScripts.run(builder, 180, () -> "flink-cluster.sh " + action + " failed: " + read(log));
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log at " + log + ": " + e.getMessage() + ")";
    }
  }
}
