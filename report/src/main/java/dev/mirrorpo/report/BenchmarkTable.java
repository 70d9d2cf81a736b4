package dev.mirrorpo.report;

import dev.mirrorpo.schemas.BenchmarkResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The paper's Table 2 for one task: rows are algorithms (known objectives by name, discovered MPO
 * objectives by label, e.g. mpo:hopper-1024-noisy), columns are datasets, and each entry is the
 * algorithm's best grid point on that dataset (highest mean true return over seeds), as mean ± standard
 * error over seeds. Seeds whose training diverged have no return: they are left out of the mean and
 * counted next to it.
 */
public final class BenchmarkTable {
  private final String task;
  private final List<String> algorithms;
  private final List<String> datasets;
  private final Map<String, Map<String, Entry>> entries;

  /**
   * One table entry.
   *
   * @param gridPoint the best grid point, -1 if every seed of every point diverged
   * @param seeds seeds trained at that point; {@code completed} of them finished training
   * @param standardError over seeds (NaN with fewer than two completed seeds)
   */
  public record Entry(int gridPoint, Map<String, Double> hyperParameters, int seeds, int completed, double meanReturn,
      double standardError) {}

  private BenchmarkTable(String task, List<String> algorithms, List<String> datasets,
      Map<String, Map<String, Entry>> entries) {
    this.task = task;
    this.algorithms = algorithms;
    this.datasets = datasets;
    this.entries = entries;
  }

  /** The table of {@code results} (one task), algorithms and datasets in the given orders. */
  public static BenchmarkTable of(String task, List<String> algorithms, List<String> datasets,
      List<BenchmarkResult> results) {
    Map<String, Map<String, Entry>> entries = new LinkedHashMap<>();
    for (String algorithm : algorithms) {
      Map<String, Entry> row = new LinkedHashMap<>();
      for (String dataset : datasets) {
        Map<Integer, List<BenchmarkResult>> byPoint = new TreeMap<>();
        for (BenchmarkResult result : results) {
          if (result.getTask().equals(task) && result.getAlgorithm().equals(algorithm)
              && result.getDataset().equals(dataset)) {
            byPoint.computeIfAbsent(result.getGridPoint(), k -> new ArrayList<>()).add(result);
          }
        }
        Entry best = null;
        for (Map.Entry<Integer, List<BenchmarkResult>> point : byPoint.entrySet()) {
          Entry entry = entry(point.getKey(), point.getValue());
          if (best == null || better(entry, best)) {
            best = entry;
          }
        }
        if (best != null) {
          row.put(dataset, best);
        }
      }
      entries.put(algorithm, row);
    }
    return new BenchmarkTable(task, List.copyOf(algorithms), List.copyOf(datasets), entries);
  }

  private static boolean better(Entry candidate, Entry best) {
    if (candidate.completed() == 0) {
      return false;
    }
    return best.completed() == 0 || candidate.meanReturn() > best.meanReturn();
  }

  private static Entry entry(int gridPoint, List<BenchmarkResult> seeds) {
    List<Double> returns = new ArrayList<>();
    for (BenchmarkResult result : seeds) {
      if (Double.isFinite(result.getMeanReturn())) {
        returns.add(result.getMeanReturn());
      }
    }
    double mean = returns.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    double standardError = Double.NaN;
    if (returns.size() >= 2) {
      double squares = returns.stream().mapToDouble(r -> (r - mean) * (r - mean)).sum();
      standardError = Math.sqrt(squares / (returns.size() - 1)) / Math.sqrt(returns.size());
    }
    Map<String, Double> hyperParameters = new TreeMap<>();
    seeds.get(0).getHyperParameters().forEach((k, v) -> hyperParameters.put(k.toString(), v));
    return new Entry(returns.isEmpty() ? -1 : gridPoint, hyperParameters, seeds.size(), returns.size(), mean,
        standardError);
  }

  public String task() {
    return task;
  }

  /** The rows, in table order. */
  public List<String> algorithms() {
    return algorithms;
  }

  /** The columns, in table order. */
  public List<String> datasets() {
    return datasets;
  }

  public Entry entry(String algorithm, String dataset) {
    return entries.getOrDefault(algorithm, Map.of()).get(dataset);
  }

  /** Markdown: the best entry of each column in bold; a note under the table explains the cells. */
  public String markdown() {
    StringBuilder out = new StringBuilder();
    out.append("| ").append(task).append(" | ").append(String.join(" | ", datasets)).append(" |\n");
    out.append("| --- |").append(" ---: |".repeat(datasets.size())).append('\n');
    Map<String, Double> columnBest = new LinkedHashMap<>();
    for (String dataset : datasets) {
      double best = Double.NEGATIVE_INFINITY;
      for (String algorithm : algorithms) {
        Entry entry = entry(algorithm, dataset);
        if (entry != null && entry.completed() > 0) {
          best = Math.max(best, entry.meanReturn());
        }
      }
      columnBest.put(dataset, best);
    }
    for (String algorithm : algorithms) {
      out.append("| ").append(algorithm);
      for (String dataset : datasets) {
        Entry entry = entry(algorithm, dataset);
        String text = format(entry);
        if (entry != null && entry.completed() > 0 && entry.meanReturn() == columnBest.get(dataset)) {
          text = "**" + text + "**";
        }
        out.append(" | ").append(text);
      }
      out.append(" |\n");
    }
    return out.toString();
  }

  private static String format(Entry entry) {
    if (entry == null) {
      return "–";
    }
    if (entry.completed() == 0) {
      return "diverged (" + entry.seeds() + "/" + entry.seeds() + ")";
    }
    String text = Double.isNaN(entry.standardError())
        ? String.format(Locale.ROOT, "%.1f", entry.meanReturn())
        : String.format(Locale.ROOT, "%.1f ± %.1f", entry.meanReturn(), entry.standardError());
    if (entry.completed() < entry.seeds()) {
      text += " (" + (entry.seeds() - entry.completed()) + "/" + entry.seeds() + " diverged)";
    }
    return text;
  }

  /** CSV with a header: one line per algorithm and dataset, the chosen grid point spelled out. */
  public String csv() {
    StringBuilder out = new StringBuilder(
        "task,algorithm,dataset,grid_point,hyper_parameters,seeds,completed,mean_return,standard_error\n");
    for (String algorithm : algorithms) {
      for (String dataset : datasets) {
        Entry entry = entry(algorithm, dataset);
        if (entry == null) {
          continue;
        }
        StringBuilder parameters = new StringBuilder();
        entry.hyperParameters().forEach((k, v) -> parameters.append(parameters.length() == 0 ? "" : " ")
            .append(k).append('=').append(v));
        out.append(String.join(",", task, algorithm, dataset, Integer.toString(entry.gridPoint()),
            parameters.toString(), Integer.toString(entry.seeds()), Integer.toString(entry.completed()),
            csvNumber(entry.meanReturn()), csvNumber(entry.standardError()))).append('\n');
      }
    }
    return out.toString();
  }

  private static String csvNumber(double value) {
    return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.3f", value);
  }
}
