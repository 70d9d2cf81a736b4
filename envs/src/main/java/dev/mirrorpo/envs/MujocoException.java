package dev.mirrorpo.envs;

/** A failure reported by MuJoCo itself (model compilation, simulation error), with MuJoCo's own text. */
public class MujocoException extends RuntimeException {
  public MujocoException(String message) {
    super(message);
  }

  public MujocoException(String message, Throwable cause) {
    super(message, cause);
  }
}
