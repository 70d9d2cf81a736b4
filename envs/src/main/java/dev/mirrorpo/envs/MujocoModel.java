package dev.mirrorpo.envs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** A compiled MuJoCo model (mjModel). Shared read-only by every environment of a {@link VecEnv}. */
public final class MujocoModel implements AutoCloseable {
  private final String name;
  private final String xml;
  private final int nq;
  private final int nv;
  private final int nu;
  private final int nbody;
  private final double timestep;
  private final double[] initialQpos;
  private long handle;

  private MujocoModel(String name, String xml, long handle) {
    this.name = name;
    this.xml = xml;
    this.handle = handle;
    int[] sizes = MujocoNative.modelSizes(handle);
    this.nq = sizes[0];
    this.nv = sizes[1];
    this.nu = sizes[2];
    this.nbody = sizes[3];
    this.timestep = MujocoNative.timestep(handle);
    this.initialQpos = MujocoNative.initialQpos(handle);
  }

  /**
   * Compiles an MJCF document.
   *
   * @throws MujocoException with MuJoCo's own message if the document does not compile
   */
  public static MujocoModel fromXml(String name, String xml) {
    MujocoNative.ensureLoaded();
    long handle = MujocoNative.loadModel(xml.getBytes(StandardCharsets.UTF_8), name);
    return new MujocoModel(name, xml, handle);
  }

  /** Compiles an MJCF document shipped as a class-path resource next to this class. */
  public static MujocoModel fromResource(String resource) {
    try (InputStream in = MujocoModel.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new MujocoException("model resource " + resource + " is missing from the envs jar");
      }
      String xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return fromXml(resource.substring(resource.lastIndexOf('/') + 1), xml);
    } catch (IOException e) {
      throw new MujocoException("cannot read model resource " + resource + ": " + e.getMessage(), e);
    }
  }

  /** The MuJoCo library version, e.g. "2.2.2". */
  public static String mujocoVersion() {
    MujocoNative.ensureLoaded();
    return MujocoNative.version();
  }

  public String name() {
    return name;
  }

  /** The MJCF text this model was compiled from (the benchmark hands it to mujoco-testspeed). */
  public String xml() {
    return xml;
  }

  public int nq() {
    return nq;
  }

  public int nv() {
    return nv;
  }

  public int nu() {
    return nu;
  }

  public int nbody() {
    return nbody;
  }

  public double timestep() {
    return timestep;
  }

  /** The model's reference configuration qpos0, the centre of every reset distribution. */
  public double[] initialQpos() {
    return initialQpos.clone();
  }

  long handle() {
    if (handle == 0) {
      throw new IllegalStateException("model " + name + " is closed");
    }
    return handle;
  }

  @Override
  public void close() {
    if (handle != 0) {
      MujocoNative.freeModel(handle);
      handle = 0;
    }
  }
}
