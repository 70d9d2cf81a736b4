package dev.mirrorpo.envs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MuJoCo's own speed test (`mujoco-testspeed`, Debian package libmujoco-samples) run on one of our
 * models: the reference our batched Java API is measured against.
 */
public final class MujocoTestspeed {
  public static final String EXECUTABLE = "mujoco-testspeed";
  private static final Pattern STEPS_PER_SECOND = Pattern.compile("Steps per second\\s*:\\s*([0-9.]+)");

  private MujocoTestspeed() {}

  /**
   * Physics steps per second of mujoco-testspeed on the task's model, single-threaded, with control
   * noise {@link ThroughputBenchmark#CONTROL_NOISE}, over about {@code seconds}.
   */
  public static double stepsPerSecond(Task task, double seconds) {
    try (MujocoModel model = MujocoModel.fromResource(task.modelResource())) {
      Path file = Files.createTempFile("mirrorpo-" + task.name(), ".xml");
      try {
        Files.writeString(file, model.xml(), StandardCharsets.UTF_8);
        double probe = run(file, 2000);
        long steps = Math.max(2000, (long) (probe * seconds));
        return run(file, steps);
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new MujocoException("cannot write the model for " + EXECUTABLE + ": " + e.getMessage(), e);
    }
  }

  private static double run(Path model, long steps) {
    ProcessBuilder builder = new ProcessBuilder(EXECUTABLE, model.toString(), Long.toString(steps), "1",
        Double.toString(ThroughputBenchmark.CONTROL_NOISE));
    builder.redirectErrorStream(true);
    String output;
    int exit;
    try {
      Process process = builder.start();
      output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      exit = process.waitFor();
    } catch (IOException e) {
      throw new MujocoException("cannot run " + EXECUTABLE + " (" + e.getMessage()
          + "); install it with 'make setup' (Debian package libmujoco-samples)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MujocoException(EXECUTABLE + " was interrupted", e);
    }
    Matcher matcher = STEPS_PER_SECOND.matcher(output);
    if (exit != 0 || !matcher.find()) {
      throw new MujocoException(EXECUTABLE + " exited with " + exit + " without a speed figure: " + output.strip());
    }
    return Double.parseDouble(matcher.group(1));
  }
}
