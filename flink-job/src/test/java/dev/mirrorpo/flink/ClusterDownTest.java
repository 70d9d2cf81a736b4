package dev.mirrorpo.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mirrorpo.cli.Mirrorpo;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** No cluster at --flinkMaster: one line naming the address and `make flink-up`, within seconds. */
class ClusterDownTest {
  @TempDir Path work;

  @Test
  void aDatasetForAClusterThatIsNotThereFailsFastWithOneLine() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort(); // closed again: nothing listens there
    }
    StringWriter err = new StringWriter();
    CommandLine cli = Mirrorpo.commandLine();
    cli.setErr(new PrintWriter(err, true));
    long started = System.nanoTime();
    int exit = cli.execute("dataset", "generate", "--config", LocalFlinkCluster.HOME.resolve("configs/quick.yaml")
        .toString(), "--out", work.resolve("dataset").toString(), "--runner=FlinkRunner", "--flinkMaster=localhost:" + port);
    double seconds = (System.nanoTime() - started) / 1e9;
    String message = err.toString().strip();
    assertEquals(CommandLine.ExitCode.USAGE, exit, message);
    assertEquals(1, message.lines().count(), message);
    assertTrue(message.contains("http://localhost:" + port) && message.contains("make flink-up"), message);
    // Flink's client alone would retry for over a minute; the check answers in well under a second, the
    // rest is the command line starting on a busy machine.
    assertTrue(seconds < 10, "failed after " + seconds + " s");
  }
}
