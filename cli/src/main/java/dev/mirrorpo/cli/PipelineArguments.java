package dev.mirrorpo.cli;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import picocli.CommandLine;

/**
 * A pipeline command's arguments handed to Beam as they are: a pipeline's options are declared once, in its
 * Options interface, and Beam parses and checks them (an unknown name is refused there, with the nearest
 * known one). The command line only lets a user write them as the other commands' flags are written:
 * {@code --mlflow-uri URL} reaches Beam as {@code --mlflowUri=URL}, a bare boolean {@code --overwrite} as
 * {@code --overwrite=true}. Options of the runners ({@code --runner=FlinkRunner}) pass through unchanged.
 */
final class PipelineArguments {
  /** picocli's usage width and the first column's, as its own option list has them. */
  private static final int HELP_WIDTH = 80;
  private static final int FLAG_WIDTH = 32;

  private PipelineArguments() {}

  /** A command that runs a pipeline: its options are the pipeline's, and its help lists them. */
  interface PipelineCommand {
    Class<? extends PipelineOptions> pipelineOptions();
  }

  /**
   * @throws IllegalArgumentException for an argument that is not an option, or an option of the pipeline
   *     without its value
   */
  static String[] toBeam(List<String> args, Class<? extends PipelineOptions> pipeline) {
    Map<String, Method> own = ownOptions(pipeline);
    List<String> beam = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'; options are written --name VALUE or"
            + " --name=VALUE (--help lists them)");
      }
      int equals = arg.indexOf('=');
      String name = camelCase(equals < 0 ? arg.substring(2) : arg.substring(2, equals));
      Method getter = own.get(name);
      if (getter == null && !knownToBeam(name)) {
        throw new IllegalArgumentException("unknown option " + (equals < 0 ? arg : arg.substring(0, equals))
            + "; this command's are " + own.keySet().stream().map(option -> "--" + kebabCase(option)).toList()
            + " and Beam's (--runner=..., --help describes them)");
      }
      String next = i + 1 < args.size() && !args.get(i + 1).startsWith("--") ? args.get(i + 1) : null;
      String value;
      if (equals >= 0) {
        value = arg.substring(equals + 1);
      } else if (getter == null) {
        if (next != null) {
          throw new IllegalArgumentException(arg + " " + next + ": options of Beam and its runners are written"
              + " --name=value, e.g. " + arg + "=" + next);
        }
        beam.add(arg); // a runner's boolean option or a misspelling: Beam knows which
        continue;
      } else if (isBoolean(getter)) {
        value = "true";
      } else if (next != null) {
        value = next;
        i++;
      } else {
        throw new IllegalArgumentException(arg + " needs a value: " + arg + " VALUE or " + arg + "=VALUE");
      }
      beam.add("--" + name + "=" + value);
    }
    return beam.toArray(String[]::new);
  }

  /** The pipeline's options as --help lists them, by name: flag and description (from the interface). */
  static String help(Class<? extends PipelineOptions> pipeline) {
    CommandLine.Help.TextTable table = CommandLine.Help.TextTable.forColumns(
        CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF),
        new CommandLine.Help.Column(FLAG_WIDTH, 6, CommandLine.Help.Column.Overflow.SPAN),
        new CommandLine.Help.Column(HELP_WIDTH - FLAG_WIDTH, 1, CommandLine.Help.Column.Overflow.WRAP));
    for (Map.Entry<String, Method> option : ownOptions(pipeline).entrySet()) {
      Description description = option.getValue().getAnnotation(Description.class);
      table.addRowValues("--" + kebabCase(option.getKey()) + (isBoolean(option.getValue()) ? "" : "=VALUE"),
          description == null ? "" : description.value());
    }
    // Footers go through String.format.
    return ("Options of the pipeline (also written --name VALUE):%n" + table.toString().replace("%", "%%")
        .replace("\n", "%n") + "Beam's own options go as --name=value, e.g. --runner=FlinkRunner"
        + " --flinkMaster=[local] --parallelism=2.%n");
  }

  /** Whether a registered options interface (Beam's, a runner's, a pipeline's) has the property. */
  private static boolean knownToBeam(String name) {
    return PipelineOptionsFactory.getRegisteredOptions().stream()
        .flatMap(options -> Arrays.stream(options.getMethods()))
        .anyMatch(method -> name.equals(propertyName(method)));
  }

  /** The getters the pipeline's own interface declares (not Beam's), by option name. */
  private static Map<String, Method> ownOptions(Class<? extends PipelineOptions> pipeline) {
    Map<String, Method> options = new TreeMap<>();
    for (Method method : pipeline.getDeclaredMethods()) {
      String name = propertyName(method);
      if (name != null) {
        options.put(name, method);
      }
    }
    return options;
  }

  /** getMlflowUri → mlflowUri, isOverwrite → overwrite; null for a method that is not a getter. */
  private static String propertyName(Method method) {
    String name = method.getName();
    int prefix = name.startsWith("get") ? 3 : name.startsWith("is") ? 2 : 0;
    if (method.getParameterCount() != 0 || prefix == 0 || name.length() == prefix) {
      return null;
    }
    return Character.toLowerCase(name.charAt(prefix)) + name.substring(prefix + 1);
  }

  private static boolean isBoolean(Method getter) {
    return getter.getReturnType() == boolean.class || getter.getReturnType() == Boolean.class;
  }

  /** mlflow-uri → mlflowUri; a name without hyphens stays as it is. */
  private static String camelCase(String kebab) {
    StringBuilder camel = new StringBuilder();
    boolean upper = false;
    for (char c : kebab.toCharArray()) {
      if (c == '-') {
        upper = true;
      } else {
        camel.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return camel.toString();
  }

  private static String kebabCase(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }
}
