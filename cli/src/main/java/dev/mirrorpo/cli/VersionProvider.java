package dev.mirrorpo.cli;

import dev.mirrorpo.envs.MujocoModel;
import picocli.CommandLine.IVersionProvider;

/** Versions of mirrorpo and of the native parts it runs on. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Mirrorpo.class.getPackage().getImplementationVersion();
    return new String[] {
      "mirrorpo " + (version == null ? "(development build)" : version),
      "MuJoCo " + MujocoModel.mujocoVersion(),
      "Java " + System.getProperty("java.version")
    };
  }
}
