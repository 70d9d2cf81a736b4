package dev.mirrorpo.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * One YAML mapping of a preset, checked against the keys it may have; every problem is one message
 * naming the file and the key.
 */
final class ConfigSection {
  private final Path file;
  private final String prefix;
  private final Map<String, Object> values = new LinkedHashMap<>();

  private ConfigSection(Path file, String prefix, Object document, List<String> allowed) {
    this.file = file;
    this.prefix = prefix;
    if (!(document instanceof Map<?, ?> map)) {
      throw problem((prefix.isEmpty() ? "the file" : prefix.substring(0, prefix.length() - 1))
          + " must be a mapping of keys to values");
    }
    Set<String> known = allowed == null ? null : Set.copyOf(allowed);
    map.forEach((key, value) -> {
      String name = String.valueOf(key);
      if (known != null && !known.contains(name)) {
        throw problem("unknown key '" + prefix + name + "'; valid keys: " + prefix
            + String.join(", " + prefix, allowed));
      }
      values.put(name, value);
    });
  }

  /** The top-level mapping of {@code file}. */
  static ConfigSection read(Path file, List<String> allowed) {
    Object document;
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      document = new Yaml(new SafeConstructor(options)).load(reader);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("config " + file + ": no such file; the presets are in configs/");
    } catch (IOException e) {
      throw new IllegalArgumentException("config " + file + " cannot be read: " + e.getMessage());
    } catch (YAMLException e) {
      throw new IllegalArgumentException("config " + file + " is not valid YAML: "
          + e.getMessage().replaceAll("\\s+", " ").strip());
    }
    return new ConfigSection(file, "", document, allowed);
  }

  Path file() {
    return file;
  }

  /** The nested mapping under {@code key}, limited to {@code allowed} keys (null: any key). */
  ConfigSection section(String key, List<String> allowed) {
    return new ConfigSection(file, prefix + key + ".", require(key), allowed);
  }

  /** The keys present, in file order. */
  List<String> keys() {
    return List.copyOf(values.keySet());
  }

  boolean has(String key) {
    return values.get(key) != null;
  }

  String text(String key) {
    Object value = require(key);
    if (value instanceof Map || value instanceof List) {
      throw problem("'" + prefix + key + "' must be a single value, got " + value);
    }
    return String.valueOf(value);
  }

  long wholeNumber(String key) {
    Object value = require(key);
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    throw problem("'" + prefix + key + "' must be a whole number, got " + value);
  }

  double number(String key) {
    Object value = require(key);
    if (value instanceof Number number) {
      return number.doubleValue();
    }
    throw problem("'" + prefix + key + "' must be a number, got " + value);
  }

  Double optionalNumber(String key) {
    return has(key) ? number(key) : null;
  }

  /** A list of single values, e.g. [dpo, orpo]; a single value counts as a list of one. */
  List<String> texts(String key) {
    Object value = require(key);
    List<String> texts = new ArrayList<>();
    for (Object item : value instanceof List<?> list ? list : List.of(value)) {
      if (item == null || item instanceof Map || item instanceof List) {
        throw problem("'" + prefix + key + "' must be a list of names, got " + value);
      }
      texts.add(String.valueOf(item));
    }
    return texts;
  }

  /** A list of file paths, relative to the preset's directory; a single path counts as a list of one. */
  List<Path> paths(String key) {
    Path directory = file.toAbsolutePath().getParent();
    return texts(key).stream().map(text -> directory.resolve(text).normalize()).toList();
  }

  /** A list of numbers, e.g. [0.1, 0.5]; a single number counts as a list of one. */
  List<Double> numbers(String key) {
    Object value = require(key);
    List<Double> numbers = new ArrayList<>();
    for (Object item : value instanceof List<?> list ? list : List.of(value)) {
      if (!(item instanceof Number number)) {
        throw problem("'" + prefix + key + "' must be a number or a list of numbers, got " + value);
      }
      numbers.add(number.doubleValue());
    }
    return numbers;
  }

  private Object require(String key) {
    Object value = values.get(key);
    if (value == null) {
      throw problem("missing key '" + prefix + key + "'");
    }
    return value;
  }

  IllegalArgumentException problem(String message) {
    return new IllegalArgumentException("config " + file + ": " + message);
  }
}
