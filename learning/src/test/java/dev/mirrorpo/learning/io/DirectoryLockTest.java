package dev.mirrorpo.learning.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One process at a time on an output directory, with the operating system's own record locks. */
class DirectoryLockTest {
  @TempDir Path work;

  @Test
  void aSecondLockInThisProcessIsRefusedNamingTheFirstAndTheLockIsFreeAfterClose() {
    Path directory = work.resolve("run");
    try (DirectoryLock first = DirectoryLock.acquire(directory, "evolve")) {
      String message = assertThrows(IllegalArgumentException.class,
          () -> DirectoryLock.acquire(directory, "benchmark")).getMessage();
      assertTrue(message.startsWith(directory + " is in use by process " + ProcessHandle.current().pid() + " (evolve"),
          message);
    }
    DirectoryLock.acquire(directory, "benchmark").close();
    assertEquals(work.resolve(".run.lock"), DirectoryLock.fileOf(directory));
  }

  /**
   * Another process holds the lock (python's fcntl.lockf takes the same POSIX record lock as the JVM) and
   * has written who it is: refused, naming it; once that process is gone, however it ended, the lock is free.
   */
  @Test
  void aLockHeldByAnotherProcessIsRefusedNamingItAndIsFreeWhenItDies() throws Exception {
    Path directory = work.resolve("dataset");
    Path file = DirectoryLock.fileOf(directory);
    Process holder = new ProcessBuilder("python3", "-c", String.join("\n",
        "import fcntl, sys, time",
        "f = open(sys.argv[1], 'a+')",
        "fcntl.lockf(f, fcntl.LOCK_EX)",
        "f.truncate(0); f.write('process 4242 (dataset generate, since then)'); f.flush()",
        "print('locked', flush=True)",
        "time.sleep(120)"), file.toString()).redirectErrorStream(true).start();
    try {
      BufferedReader output = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("locked", output.readLine());
      String message = assertThrows(IllegalArgumentException.class,
          () -> DirectoryLock.acquire(directory, "dataset generate")).getMessage();
      assertEquals(directory + " is in use by process 4242 (dataset generate, since then); wait for it to finish or"
          + " stop it, or choose another directory", message);
    } finally {
      holder.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    DirectoryLock.acquire(directory, "dataset generate").close();
  }
}
