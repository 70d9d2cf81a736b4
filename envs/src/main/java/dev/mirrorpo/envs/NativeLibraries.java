package dev.mirrorpo.envs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;

/** The project's JNI libraries, which `make build` compiles into the jars under native/linux-x86_64/. */
public final class NativeLibraries {
  private NativeLibraries() {}

  /**
   * Loads library {@code name} (e.g. libmirrorpo_mlp.so) from the jar of {@code owner}, whose native methods it
   * implements. A JVM can load a JNI library from one class loader only, so it is extracted once per class loader
   * to a private temporary file, which is deleted as soon as it is loaded (the mapping stays), so that no JVM leaves
   * a copy behind.
   *
   * @param systemLoad {@code path -> System.load(path)}, written in {@code owner}: a library binds to the class
   *     loader of the class that calls {@code System.load}, and on a Flink cluster this class and the owner may
   *     have different ones (envs on the cluster's classpath, the owner in the job's jar)
   * @throws FileNotFoundException when the library is not on {@code owner}'s classpath
   * @throws UnsatisfiedLinkError when it does not load, e.g. a library it links against is missing
   */
  public static void load(Class<?> owner, String name, Consumer<String> systemLoad) throws IOException {
    String resource = "/native/linux-x86_64/" + name;
    try (InputStream in = owner.getResourceAsStream(resource)) {
      if (in == null) {
        throw new FileNotFoundException("the JNI library " + resource + " is not on the classpath");
      }
      Path file = Files.createTempFile(name.replace(".so", "") + "-", ".so");
      try {
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        systemLoad.accept(file.toAbsolutePath().toString());
      } finally {
        Files.deleteIfExists(file);
      }
    }
  }
}
