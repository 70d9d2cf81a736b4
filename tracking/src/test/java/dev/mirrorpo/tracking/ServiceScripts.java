package dev.mirrorpo.tracking;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** What tests need to run the project's service scripts (MLflow, Flink) on ports nobody else uses. */
public final class ServiceScripts {
  private ServiceScripts() {}

  /** A port that was free a moment ago. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs a script to its end within {@code seconds}.
   *
   * @param failure what to say if it fails or hangs (the script, the action, its log), made only then
   */
  public static void run(ProcessBuilder script, long seconds, Supplier<String> failure) {
    try {
      Process process = script.start();
      if (!process.waitFor(seconds, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException(failure.get());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
