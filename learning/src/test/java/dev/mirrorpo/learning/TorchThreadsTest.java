package dev.mirrorpo.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * TorchThreads works as the first PyTorch call of a JVM: a benchmark worker thread may reach it
 * before anything has loaded the engine (it once failed there with an UnsatisfiedLinkError).
 */
class TorchThreadsTest {
  /** Run in a fresh JVM: nothing has touched DJL before. */
  public static final class FirstCall {
    public static void main(String[] args) throws Exception {
      Throwable[] failure = new Throwable[1];
      Thread worker = new Thread(TorchThreads::applyToCurrentThread);
      worker.setUncaughtExceptionHandler((thread, e) -> failure[0] = e);
      worker.start();
      worker.join();
      if (failure[0] != null) {
        System.out.println("failed: " + failure[0]);
        System.exit(3);
      }
      System.out.println("applied");
    }
  }

  @Test
  void worksBeforeTheEngineIsLoaded() throws Exception {
    String java = System.getProperty("mirrorpo.java"); // bin/java: the pinned numeric environment
    Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        FirstCall.class.getName()))
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    process.waitFor(60, TimeUnit.SECONDS);
    assertEquals(0, process.exitValue(), output);
    assertEquals("applied", output.lines().filter(l -> l.equals("applied")).findFirst().orElse(output));
  }
}
