package dev.mirrorpo.tracking;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real MLflow tracking server for a test (the one `make setup` installs in .venv), on a free port
 * with its store in a temporary directory; started and stopped by scripts/mlflow-server.sh.
 */
public final class MlflowServer implements AutoCloseable {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path SCRIPT = ROOT.resolve("scripts").resolve("mlflow-server.sh");

  private final Path directory;
  private final int port;

  private MlflowServer(Path directory, int port) {
    this.directory = directory;
    this.port = port;
  }

  /** Starts a server storing under {@code directory}; fails the test if .venv has no MLflow (run `make setup`). */
  public static MlflowServer start(Path directory) {
    if (!Files.isExecutable(ROOT.resolve(".venv").resolve("bin").resolve("mlflow"))) {
      throw new IllegalStateException("the MLflow server is not installed in .venv; run `make setup` first");
    }
    int port = ServiceScripts.freePort();
    run(directory, port, "up");
    return new MlflowServer(directory, port);
  }

  public String uri() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    run(directory, port, "down");
  }

  private static void run(Path directory, int port, String action) {
    ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString(), action, directory.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("MLFLOW_PORT", Integer.toString(port));
    ServiceScripts.run(builder, 120,
        () -> "mlflow-server.sh " + action + " failed; see " + directory.resolve("server.log"));
  }
}
