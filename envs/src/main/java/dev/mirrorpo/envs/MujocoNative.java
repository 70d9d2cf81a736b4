package dev.mirrorpo.envs;

import java.io.IOException;

/**
 * The JNI entry points of the C shim (src/main/c/mirrorpo_mujoco.c). Handles are native pointers;
 * only {@link MujocoModel} and {@link VecEnv} hold them.
 */
final class MujocoNative {
  private static final String LIBRARY = "libmirrorpo_mujoco.so";

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
    try {
      NativeLibraries.load(MujocoNative.class, LIBRARY, path -> System.load(path));
    } catch (IOException e) {
      throw new MujocoException("cannot load the MuJoCo shim: " + e.getMessage() + "; build the envs module with "
          + "'make build'", e);
    } catch (UnsatisfiedLinkError e) {
      throw new MujocoException("cannot load the MuJoCo shim (" + e.getMessage()
          + "); install MuJoCo 2.2.2 with 'make setup' (Debian package libmujoco-dev)", e);
    }
  }
}
