package dev.mirrorpo.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mirrorpo.pipelines.DatasetPipeline;
import dev.mirrorpo.pipelines.FlinkSessionCluster;
import dev.mirrorpo.pipelines.PreferenceDatasets;
import dev.mirrorpo.pipelines.SearchPipeline;
import dev.mirrorpo.pipelines.SweepPipeline;
import dev.mirrorpo.pipelines.TestDatasets;
import dev.mirrorpo.pipelines.TestSweeps;
import dev.mirrorpo.report.SweepReport;
import dev.mirrorpo.runfiles.Origin;
import dev.mirrorpo.runfiles.SearchRun;
import dev.mirrorpo.schemas.CandidateFitness;
import dev.mirrorpo.transforms.datasets.DatasetManifest;
import dev.mirrorpo.transforms.io.ParquetRows;
import dev.mirrorpo.transforms.work.WorkItems;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipelines on a real standalone session cluster (scripts/flink-cluster.sh, 2 TaskManagers of one
 * slot each) against the DirectRunner: the same rows for a dataset, then for an ES generation as the
 * cluster's second job (the job that would fail if the native libraries came with each job) and on
 * the embedded {@code [local]} cluster, work items handed to whichever slot is free, a TaskManager
 * killed mid-job, a sweep, and finished jobs' classes unloaded.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SessionClusterTest {
  @TempDir static Path work;
  private static LocalFlinkCluster cluster;
  private static Path preset;

  @BeforeAll
  static void startTheCluster() {
    cluster = LocalFlinkCluster.start(work.resolve("flink"), 2, 1);
    TestDatasets.agent(work, "target", "hopper", 1, null);
    TestDatasets.agent(work, "original", "hopper", 2, null);
    // 16 candidates in 2 batches of 8, one for each of the 2 slots.
    preset = TestDatasets.preset(work, "tiny", "hopper", "target.agent.json", "original.agent.json",
        "pairs: 8", "length: 30", "seed: 3", "temperature: 1.0", "rollout_batch: 4", "pairs_per_chunk: 4",
        "search:",
        "  generations: 1",
        "  pairs: 8",
        "  candidates_per_batch: 8",
        "  sigma: 0.05",
        "  trainer: {epochs: 2, sft_epochs: 1}",
        "  evaluation: {episodes: 3, seed: 5, length: 40}",
        "  evaluate_seeds: 2",
        "  reevaluate_top: 2",
        "  reevaluate_seeds: 2");
  }

  @AfterAll
  static void stopTheCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private String[] onTheCluster() {
    return new String[] {"--runner=FlinkRunner", "--flinkMaster=" + cluster.master()};
  }

  @Test
  @Order(1)
  void aDatasetThenAnEsGenerationAsTheSecondJobGiveTheDirectRunnersRowsWithBatchesOnBothTaskManagersAndOnLocal()
      throws InterruptedException {
    Path direct = generate(preset, work.resolve("direct-dataset"), "--runner=DirectRunner");
    Path clustered = generate(preset, work.resolve("cluster-dataset"), onTheCluster());
    assertEquals(TestDatasets.rows(direct), TestDatasets.rows(clustered), "dataset rows on the cluster");

    Path directSearch = search(direct, work.resolve("direct-search"), true, "--runner=DirectRunner");
    List<CandidateFitness> directFitness = fitness(directSearch);
    Path clusterSearch = search(clustered, work.resolve("cluster-search"), false, onTheCluster());
    List<CandidateFitness> clusterFitness = fitness(clusterSearch);
    assertEquals(16, directFitness.size());
    assertEquals(directFitness, clusterFitness, "fitness rows of the generation on the cluster");

    // The training step ran on both TaskManagers and wrote each candidate's row once. How the 2 batches fell
    // depends on which slot asked first and is the benchmark's to report; that a slot takes a batch only
    // when it is free is the next test's.
    Map<String, Long> candidates = cluster.recordsWrittenByTaskManager(cluster.lastJob(),
        "TrainAndEvaluateCandidates/TrainAndEvaluateBatches", 16);
    assertEquals(Set.of("taskmanager-1", "taskmanager-2"), candidates.keySet(), "TaskManagers of the training step");
    assertEquals(16L, candidates.values().stream().mapToLong(Long::longValue).sum(), "candidates trained");

    // The finished search resumed with its evaluations: the mean's and the end's, as two more jobs on the cluster,
    // with the DirectRunner's figures.
    search(clustered, clusterSearch, true, onTheCluster());
    SearchRun directRun = new SearchRun(directSearch);
    SearchRun clusterRun = new SearchRun(clusterSearch);
    assertEquals(1, clusterRun.meanEvaluations().size());
    assertEquals(directRun.meanEvaluations(), clusterRun.meanEvaluations(), "the evaluated mean on the cluster");
    assertEquals(directRun.reevaluation(1), clusterRun.reevaluation(1), "the re-evaluation on the cluster");

    // Flink's embedded mini cluster in the driver JVM: the same rows again.
    assertEquals(directFitness, fitness(search(direct, work.resolve("local-search"), false, "--runner=FlinkRunner",
        "--flinkMaster=[local]", "--parallelism=2")), "fitness rows of the generation on --flinkMaster=[local]");
  }

  @Test
  @Order(2)
  void workItemsGoToWhicheverSlotIsFreeSoTwoItemsThatWaitForEachOtherRunOnBothTaskManagers() throws Exception {
    // Each item waits until the other has started. Handed out on demand, the slot busy with one item cannot
    // take the other, so the other slot does and both finish; a fixed placement that gave one slot both (a
    // Reshuffle's random keys do, half of the time) would never start the second.
    Path meeting = Files.createDirectories(work.resolve("meeting"));
    FlinkPipelineOptions options = PipelineOptionsFactory.fromArgs(onTheCluster()).as(FlinkPipelineOptions.class);
    // The test's own classes (the work below) go with the job, as a jar Beam packs from the directory.
    options.setFilesToStage(List.of(LocalFlinkCluster.HOME.resolve(FlinkSessionCluster.JOB_JAR).toString(),
        Path.of(MeetEachOther.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString()));
    FlinkSessionCluster.prepare(options);
    Pipeline pipeline = Pipeline.create(options);
    pipeline.apply(WorkItems.of(List.of(0, 1), new MeetEachOther(meeting.toString()), StringUtf8Coder.of()));
    assertEquals(PipelineResult.State.DONE, pipeline.run().waitUntilFinish());

    Set<Long> ranIn = new HashSet<>();
    for (int item = 0; item < 2; item++) {
      ranIn.add(Long.parseLong(Files.readString(meeting.resolve("ran-" + item)).trim()));
    }
    assertEquals(2, ranIn.size(), "the two items ran in different processes");
    assertTrue(cluster.taskManagerProcesses().containsAll(ranIn), "the items ran in TaskManagers " + ranIn);
  }

  /** Marks its item started, waits (up to 2 minutes) until every item has, and records the process it ran in. */
  private static final class MeetEachOther implements WorkItems.Work<Integer, String> {
    private static final int ITEMS = 2;
    private final String meeting;

    MeetEachOther(String meeting) {
      this.meeting = meeting;
    }

    @Override
    public List<String> run(Integer item) {
      Path directory = Path.of(meeting);
      try {
        Files.writeString(directory.resolve("started-" + item), "");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (IntStream.range(0, ITEMS).anyMatch(i -> !Files.exists(directory.resolve("started-" + i)))) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("item " + item + " waited 2 minutes for the others to start");
          }
          Thread.sleep(100);
        }
        String process = String.valueOf(ProcessHandle.current().pid());
        Files.writeString(directory.resolve("ran-" + item), process);
        return List.of(process);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  @Test
  @Order(3)
  void aTaskManagerKilledMidJobIsReplacedAndTheJobFinishesWithCompleteIdenticalOutput() throws Exception {
    Path slow = TestDatasets.preset(work, "slow", "hopper", "target.agent.json", "original.agent.json",
        "pairs: 768", "length: 100", "seed: 4", "temperature: 1.0", "rollout_batch: 8", "pairs_per_chunk: 8");
    Path direct = generate(slow, work.resolve("slow-direct"), "--runner=DirectRunner");
    String before = cluster.lastJob();
    Path out = work.resolve("slow-cluster");
    CompletableFuture<Path> job = CompletableFuture.supplyAsync(() -> generate(slow, out, onTheCluster()));
    String running = awaitRunning(before);
    cluster.killTaskManager(1);
    assertFalse(job.isDone(), "the job finished before the TaskManager was killed");
    awaitTaskManagers(1);
    cluster.addTaskManager();
    job.get(4, TimeUnit.MINUTES);

    assertEquals("FINISHED", cluster.awaitEnd(running));
    // A finished job keeps its failures: the loss is there, so the job finished through a restart.
    int failures = cluster.get("/jobs/" + running + "/exceptions").path("exceptionHistory").path("entries").size();
    assertTrue(failures >= 1, "the job recorded no failure, so the kill did not hit it");
    assertEquals(TestDatasets.rows(direct), TestDatasets.rows(out), "rows after the restart");
    DatasetManifest manifest = DatasetManifest.read(PreferenceDatasets.manifestFile(out));
    assertEquals(manifest.files().size(), PreferenceDatasets.dataFiles(out).size(), "no duplicate or stray file");
    try (var listing = Files.list(PreferenceDatasets.dataDirectory(out))) {
      assertTrue(listing.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no partial file left");
    }
  }

  @Test
  @Order(4)
  void aRelativeOutputPathIsRefusedBeforeTheJobIsSubmitted() {
    String before = cluster.lastJob();
    Path relative = Path.of("target", "relative-dataset");
    String message = assertThrows(IllegalArgumentException.class,
        () -> generate(preset, relative, onTheCluster())).getMessage();
    assertTrue(message.contains(relative + " is relative") && message.contains("every TaskManager"), message);
    assertEquals(before, cluster.lastJob(), "no job was submitted");
    assertFalse(Files.exists(relative), "a refused output leaves no directory behind");
  }

  /**
   * The driver sees the dataset and the TaskManagers do not: the driver runs in a mount namespace of its own
   * (unshare) with a tmpfs over a directory that holds the dataset only there, as a dataset on the
   * driver's local disk would be on a real cluster. A worker refuses it before training, and the driver
   * stops the job at once instead of letting the restart strategy try four times, and says so in one line.
   */
  @Test
  @Order(5)
  void aDatasetTheTaskManagersCannotSeeStopsTheJobAtOnceWithOneLineNamingTheWorker() throws Exception {
    assumeTrue(new ProcessBuilder("unshare", "-m", "true").start().waitFor() == 0, "no mount namespaces here");
    Path driverOnly = Files.createDirectories(work.resolve("driver-only"));
    Path hidden = driverOnly.resolve("dataset");
    Path out = work.resolve("unseen-search");
    Path log = work.resolve("unseen-search.log");
    // bin/mirrorpo, as a user runs it: its logging settings decide what the user sees.
    String driver = String.join(" ", "mount -t tmpfs none", driverOnly.toString(), "&& cp -r",
        work.resolve("direct-dataset").toString(), hidden.toString(), "&& exec",
        LocalFlinkCluster.HOME.resolve("bin/mirrorpo").toString(), "evolve --config", preset.toString(),
        "--dataset", hidden.toString(), "--out", out.toString(), "--mlflow-uri http://127.0.0.1:9",
        "--runner=FlinkRunner --flinkMaster=" + cluster.master());
    String before = cluster.lastJob();
    Process search = new ProcessBuilder("unshare", "-m", "sh", "-c", driver).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    assertTrue(search.waitFor(5, TimeUnit.MINUTES), "the search did not end");
    String output = Files.readString(log);
    assertEquals(2, search.exitValue(), output);
    String last = output.strip().lines().reduce((first, second) -> second).orElse("");
    assertTrue(last.startsWith("mirrorpo evolve: the worker on ") && last.contains("cannot see dataset " + hidden
        + ", which the driver saw") && last.contains("rerun the same command"), output);
    assertFalse(output.contains("\tat "), "no stack trace: " + output);
    String job = cluster.lastJob();
    assertFalse(job.equals(before), "the generation was submitted");
    assertEquals("CANCELED", cluster.awaitEnd(job),
        "stopped by the driver, not failed after the restart strategy's attempts");
  }

  @Test
  @Order(6)
  void aSweepSubmittedToTheClusterEndsWithTheDirectRunnersSummary() {
    Path sweepFile = TestSweeps.write(work.resolve("sweep"));
    List<SweepReport.Cell> direct = sweep(sweepFile, work.resolve("direct-sweep"), "--runner=DirectRunner");
    List<SweepReport.Cell> clustered = sweep(sweepFile, work.resolve("cluster-sweep"), onTheCluster());
    assertEquals(TestSweeps.CELLS + 1, clustered.size(), "every cell and the search");
    assertEquals(direct, clustered, "the night's cells on the cluster");
  }

  /**
   * A finished job's classes are unloaded: a TaskManager of a long-lived cluster would otherwise fill its
   * metaspace after a few dozen jobs (docs/flink.md, "Job classloaders"). Before Parquet's Hadoop layer moved to
   * the cluster's classpath, every job left its classloader behind; three more jobs then meant three more. Now
   * they may add one at most: the newest job's, which Flink may still hold.
   */
  @Test
  @Order(7)
  void threeMoreJobsLeaveNoMoreThanOneMoreJobClassloaderOnATaskManager() throws InterruptedException {
    Map<Long, Integer> before = jobClassloadersOfRunningTaskManagers();
    assertEquals(2, before.size(), "running TaskManagers");
    for (int job = 0; job < 3; job++) {
      generate(preset, work.resolve("one-more-dataset-" + job), onTheCluster());
    }
    Map<Long, Integer> after = jobClassloadersOfRunningTaskManagers();
    for (Map.Entry<Long, Integer> taskManager : before.entrySet()) {
      int loaders = after.get(taskManager.getKey());
      assertTrue(loaders <= taskManager.getValue() + 1, "TaskManager process " + taskManager.getKey() + " held "
          + taskManager.getValue() + " job classloaders before three more jobs and " + loaders + " after them");
    }
  }

  private Map<Long, Integer> jobClassloadersOfRunningTaskManagers() throws InterruptedException {
    Map<Long, Integer> loaders = new HashMap<>();
    for (long process : cluster.taskManagerProcesses()) {
      if (ProcessHandle.of(process).map(ProcessHandle::isAlive).orElse(false)) {
        loaders.put(process, cluster.jobClassloaders(process));
      }
    }
    return loaders;
  }

  private String awaitRunning(String before) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      String job = cluster.lastJob();
      // The roll-out step running on both TaskManagers: the chunks are being generated.
      if (job != null && !job.equals(before)) {
        for (JsonNode vertex : cluster.get("/jobs/" + job).path("vertices")) {
          if (vertex.path("name").asText().contains("RollOutAndJudgeEachChunk")
              && vertex.path("tasks").path("RUNNING").asInt() >= 2) {
            return job;
          }
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the generation did not start running on the cluster within 120 s");
  }

  private void awaitTaskManagers(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (cluster.get("/overview").path("taskmanagers").asInt() != count) {
      assertTrue(System.nanoTime() < deadline, "the JobManager still lists the killed TaskManager after 60 s");
      Thread.sleep(200);
    }
  }

  private static Path generate(Path preset, Path out, String... beamArgs) {
    DatasetPipeline.Options options = DatasetPipeline.options(beamArgs);
    options.setConfig(preset.toString());
    options.setOut(out.toString());
    DatasetPipeline.generate(options, origin(), new PrintWriter(new StringWriter()));
    return out;
  }

  /** @param evaluate whether to evaluate the mean and re-evaluate at the end after the generations */
  private static Path search(Path dataset, Path out, boolean evaluate, String... beamArgs) {
    SearchPipeline.Options options = SearchPipeline.options(beamArgs);
    options.setEvaluate(evaluate);
    options.setConfig(preset.toString());
    options.setDataset(dataset.toString());
    options.setOut(out.toString());
    options.setMlflowUri("http://127.0.0.1:9"); // no MLflow: the search goes on without it
    SearchPipeline.run(options, new String[0], origin(), new PrintWriter(new StringWriter()));
    return out;
  }

  /** Runs a night of the sweep file into {@code out} and reads its summary.csv back. */
  private static List<SweepReport.Cell> sweep(Path sweepFile, Path out, String... beamArgs) {
    SweepPipeline.Options options = SweepPipeline.options(beamArgs);
    options.setConfig(sweepFile.toString());
    options.setOut(out.toString());
    options.setNight("2026-01-02");
    options.setMlflowUri("http://127.0.0.1:9");
    SweepPipeline.Summary night = SweepPipeline.run(options, beamArgs, origin(), new PrintWriter(new StringWriter()));
    return SweepReport.readCsv(night.night().resolve("summary.csv"));
  }

  private static Origin origin() {
    return new Origin("test", "unknown", "now");
  }

  /** Generation 0's rows without their timings, in candidate order. */
  private static List<CandidateFitness> fitness(Path search) {
    Path generation = search.resolve("generations").resolve("00000");
    List<CandidateFitness> rows = new ArrayList<>();
    for (Path file : ParquetRows.files(generation, "fitness")) {
      for (CandidateFitness row : ParquetRows.read(file, CandidateFitness.class, "candidate fitness")) {
        rows.add(CandidateFitness.newBuilder(row).setTrainSeconds(0).setEvaluateSeconds(0).build());
      }
    }
    rows.sort(Comparator.comparingInt(CandidateFitness::getPairIndex).thenComparingInt(CandidateFitness::getSign));
    return rows;
  }
}
