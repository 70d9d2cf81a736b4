package dev.mirrorpo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.learning.io.DirectoryLock;
import dev.mirrorpo.pipelines.TestSweeps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduled sweep as deploy/ runs it: the systemd service's ExecStart and the crontab line, each exactly as
 * written there, in a home directory whose ~/mirrorpo is this project (built: bin/mirrorpo runs the jar that
 * `make build` packages, as the Flink tests submit theirs), on a tiny sweep of the shape of sweep-quick
 * ({@link TestSweeps}) into a temporary directory. The service's start runs the sweep; the cron line, started
 * while it runs, says that it is running and exits 0.
 */
class ScheduledSweepTest {
  private static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();
  @TempDir static Path work;
  private static Path out;
  private static int serviceExit;
  private static String serviceLog;
  private static int cronExit;
  private static String cronLog;

  @BeforeAll
  static void startTheServiceAndTheCronLineWhileItRuns() throws Exception {
    Path home = Files.createDirectories(work.resolve("home"));
    Files.createSymbolicLink(home.resolve("mirrorpo"), PROJECT);
    Path sweep = TestSweeps.write(Files.createDirectories(work.resolve("sweep")));
    out = work.resolve("out");
    Map<String, String> environment = Map.of("HOME", home.toString(), "MIRRORPO_SWEEP_CONFIG", sweep.toString(),
        "MIRRORPO_SWEEP_OUT", out.toString(), "MLFLOW_TRACKING_URI", "http://127.0.0.1:9");

    String execStart = line(PROJECT.resolve("deploy/mirrorpo-sweep.service"), "ExecStart=")
        .substring("ExecStart=".length()).replace("%h", home.toString());
    Path serviceOutput = work.resolve("service.log");
    Process service = start(List.of("sh", "-c", execStart), environment, serviceOutput);

    Path lock = DirectoryLock.fileOf(out);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while ((!Files.exists(lock) || Files.size(lock) == 0) && service.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    String cronLine = line(PROJECT.resolve("deploy/crontab"), "0 2 * * * ");
    Process cron = start(List.of("sh", "-c", cronLine.substring("0 2 * * * ".length())), environment,
        work.resolve("cron-start.log"));
    cronExit = waitFor(cron, 2);
    cronLog = Files.readString(home.resolve("mirrorpo-nightly-sweep.log"), StandardCharsets.UTF_8);
    serviceExit = waitFor(service, 10);
    serviceLog = Files.readString(serviceOutput, StandardCharsets.UTF_8);
  }

  private static String line(Path file, String prefix) throws IOException {
    return Files.readAllLines(file).stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
  }

  private static Process start(List<String> command, Map<String, String> environment, Path output)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().putAll(environment);
    return builder.start();
  }

  private static int waitFor(Process process, int minutes) throws InterruptedException {
    if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
      process.destroyForcibly().waitFor();
      return -1;
    }
    return process.exitValue();
  }

  @Test
  void theServicesCommandRunsTheNightsSweep() throws IOException {
    assertEquals(0, serviceExit, serviceLog);
    assertTrue(serviceLog.contains(TestSweeps.CELLS + " cells (0 done, " + TestSweeps.CELLS + " to train)"), serviceLog);
    Path nights = out.resolve("nights");
    try (var listing = Files.list(nights)) {
      Path night = listing.findFirst().orElseThrow();
      assertTrue(Files.readString(night.resolve("summary.md")).contains("| hopper | base | noisy |"), serviceLog);
      assertTrue(Files.readString(night.resolve("sweep.json")).contains("--skip-if-running"),
          "the night records the command that ran it");
    }
  }

  @Test
  void theCronLineStartedMeanwhileSaysTheSweepIsRunningAndExitsZero() {
    assertEquals(0, cronExit, cronLog);
    assertTrue(cronLog.contains("sweep: another sweep is running: " + out + " is in use by process "), cronLog);
    assertTrue(cronLog.contains("this start does nothing"), cronLog);
    assertEquals(2, cronLog.strip().lines().count(), "the wrapper's line and the sweep's: " + cronLog);
  }
}
