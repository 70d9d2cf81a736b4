package dev.mirrorpo.transforms.training;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A worker does not see data that the driver saw: on a cluster, a dataset on a disk of the driver's machine
 * rather than on a filesystem every TaskManager mounts at the same path. Retrying cannot help, so the
 * driver, which recognises this class in a failed job's exceptions, stops the job at once and reports the
 * message instead of letting the restart strategy try again (docs/flink.md).
 */
public final class DataNotVisibleOnWorker extends IllegalArgumentException {
  public DataNotVisibleOnWorker(String what, String path) {
    super("the worker on " + host() + " cannot see " + what + " " + path + ", which the driver saw: every"
        + " TaskManager must see datasets and output directories at the same path as the driver (a shared filesystem mounted at the same"
        + " place on every machine, or an object store; docs/flink.md)");
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "an unnamed host";
    }
  }
}
