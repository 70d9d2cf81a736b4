package dev.mirrorpo.envs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The JNI entry points of the C shim (src/main/c/mirrorpo_mujoco.c). Handles are native pointers;
 * only {@link MujocoModel} and {@link VecEnv} hold them.
 */
final class MujocoNative {
  private static final String LIBRARY_RESOURCE = "/native/linux-x86_64/libmirrorpo_mujoco.so";

  static {
    loadShim();
  }

  private MujocoNative() {}

  /** Makes sure the shim is loaded; the first call pays the load. */
  static void ensureLoaded() {}

  static native String version();

  static native long loadModel(byte[] xml, String fileName);

  static native void freeModel(long model);

  /** nq, nv, nu, nbody. */
  static native int[] modelSizes(long model);

  static native double timestep(long model);

  static native double[] initialQpos(long model);

  static native long makeBatch(long model, int size);

  static native void freeBatch(long batch);

  static native void setState(long batch, int index, double[] qpos, double[] qvel);

  static native void step(long batch, double[] ctrl, boolean[] active, int frameSkip, double[] qposOut,
      double[] qvelOut, double[] contactForcesOut, boolean[] unstableOut);

  private static void loadShim() {
    // A JVM can load a JNI library from one class loader only, so the shim is extracted once per
    // class loader to a private temporary file (docs/design.md §10 puts envs on the worker's own classpath).
    try (InputStream in = MujocoNative.class.getResourceAsStream(LIBRARY_RESOURCE)) {
      if (in == null) {
        throw new MujocoException("the MuJoCo shim " + LIBRARY_RESOURCE
            + " is not on the classpath; build the envs module with 'make build'");
      }
      Path file = Files.createTempFile("mirrorpo_mujoco", ".so");
      file.toFile().deleteOnExit();
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      System.load(file.toAbsolutePath().toString());
    } catch (IOException e) {
      throw new MujocoException("cannot extract the MuJoCo shim to a temporary file: " + e.getMessage(), e);
    } catch (UnsatisfiedLinkError e) {
      throw new MujocoException("cannot load the MuJoCo shim (" + e.getMessage()
          + "); install MuJoCo 2.2.2 with 'make setup' (Debian package libmujoco-dev)", e);
    }
  }
}
