package dev.mirrorpo.learning.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The learning code never calls DJL's arithmetic overloads that take a Number: under autograd they let
 * the backward pass read freed memory (see {@link ScalarOps}). Checked on the compiled classes with the
 * JDK's javap, so a new call anywhere in the module fails here.
 */
class NoNumberOverloadsTest {
  private static final Pattern NUMBER_OVERLOAD = Pattern.compile(
      "ai/djl/ndarray/NDArray\\.(add|sub|mul|div|pow|maximum|minimum|addi|subi|muli|divi|powi)"
          + ":\\(Ljava/lang/Number;\\)");

  @Test
  void compiledLearningCodeUsesScalarOpsInstead() throws IOException {
    Path classes = Path.of("target", "classes");
    List<String> files;
    try (Stream<Path> walk = Files.walk(classes)) {
      files = walk.filter(p -> p.toString().endsWith(".class")).map(Path::toString).toList();
    }
    assertTrue(files.size() > 50, "expected the module's compiled classes under " + classes.toAbsolutePath());

    List<String> arguments = new ArrayList<>(List.of("-c", "-p"));
    arguments.addAll(files);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = ToolProvider.findFirst("javap").orElseThrow()
        .run(new PrintWriter(out), new PrintWriter(err), arguments.toArray(String[]::new));
    assertEquals(0, status, err.toString());

    List<String> offenders = new ArrayList<>();
    String currentClass = "";
    for (String line : out.toString().split("\n")) {
      if (line.startsWith("Compiled from")) {
        currentClass = line;
      }
      Matcher matcher = NUMBER_OVERLOAD.matcher(line);
      if (matcher.find()) {
        offenders.add(currentClass + ": NDArray." + matcher.group(1) + "(Number)");
      }
    }
    assertTrue(offenders.isEmpty(), "use ScalarOps instead of DJL's Number overloads: " + offenders);
  }

  @Test
  void thePatternRecognisesAnOverloadCall() {
    String javapLine = "invokeinterface #7,  2  // InterfaceMethod ai/djl/ndarray/NDArray.mul:(Ljava/lang/Number;)"
        + "Lai/djl/ndarray/NDArray;";
    assertTrue(NUMBER_OVERLOAD.matcher(javapLine).find());
  }
}
