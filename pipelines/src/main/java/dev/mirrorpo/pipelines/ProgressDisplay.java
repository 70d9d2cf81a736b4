package dev.mirrorpo.pipelines;

import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * Prints "what: done/total (percent), rate, elapsed, ETA" every couple of seconds while work runs,
 * from a counter the caller can read while the work goes on.
 */
final class ProgressDisplay implements AutoCloseable {
  private static final long PERIOD_MILLIS = 2000;

  private final Thread thread;
  private volatile boolean stopped;

  private ProgressDisplay(PrintWriter out, String what, String unit, long total, LongSupplier done) {
    long started = System.nanoTime();
    thread = new Thread(() -> {
      long last = 0;
      while (!stopped) {
        try {
          Thread.sleep(PERIOD_MILLIS);
        } catch (InterruptedException e) {
          return;
        }
        long now = done.getAsLong();
        if (now > last && !stopped) { // a source may briefly read low while files move; show only gains
          last = now;
          double seconds = (System.nanoTime() - started) / 1e9;
          double rate = now / seconds;
          out.printf("%s: %d/%d %s (%.1f%%), %.2f %s/s, %s elapsed, ETA %s%n", what, now, total, unit,
              100.0 * now / total, rate, unit, duration(seconds), duration((total - now) / rate));
          out.flush();
        }
      }
    }, "progress of " + what);
    thread.setDaemon(true);
  }

  /** Starts printing to {@code out} until {@link #close}. */
  static ProgressDisplay start(PrintWriter out, String what, String unit, long total, LongSupplier done) {
    ProgressDisplay display = new ProgressDisplay(out, what, unit, total, done);
    display.thread.start();
    return display;
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60) : String.format("%dm%02ds", s / 60, s % 60);
  }

  @Override
  public void close() {
    stopped = true;
    thread.interrupt();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
