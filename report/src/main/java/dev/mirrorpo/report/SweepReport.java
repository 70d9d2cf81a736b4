package dev.mirrorpo.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A sweep's summary (docs/sweeps.md): every cell of one night (a benchmark cell, or a search's result) with its
 * mean true return, compared with the same cell of the previous night, as markdown and CSV. A change is flagged
 * when it goes beyond the two results' standard errors: |now − before| > s.e.(now) + s.e.(before), i.e. the two
 * ±1 s.e. intervals do not overlap, or when a cell that had a return has none now (its training diverged) or
 * the other way round. With the same code and data a cell's result is the same bits every night (same seed,
 * same result), so a flag means that something changed, and the size says whether it matters.
 */
public final class SweepReport {
  static final String HEADER = "night,task,dataset,objective,point,seed,mean_return,standard_error,"
      + "previous_mean_return,previous_standard_error,change,flagged";

  /**
   * One cell's result.
   *
   * @param objective the table's row: a baseline objective, or a search ("mpo-search")
   * @param point the hyper-parameters trained with ("beta=0.1"; empty for an objective's defaults)
   * @param seed the training seed (a search's ES seed)
   * @param meanReturn NaN if the training diverged
   */
  public record Cell(String task, String dataset, String objective, String point, long seed, double meanReturn,
      double standardError) {
    /** What the same cell of another night is found by. */
    public String key() {
      return String.join("/", task, dataset, objective, point, Long.toString(seed));
    }
  }

  /** A cell of this night next to the same cell of the previous night (null if it had none). */
  public record Comparison(Cell now, Cell previous) {
    /** now − previous, NaN if either has no return. */
    public double change() {
      return previous == null ? Double.NaN : now.meanReturn() - previous.meanReturn();
    }

    /** Whether the change goes beyond the standard errors, or the cell diverged one night and not the other. */
    public boolean flagged() {
      if (previous == null) {
        return false;
      }
      boolean finiteNow = Double.isFinite(now.meanReturn());
      if (finiteNow != Double.isFinite(previous.meanReturn())) {
        return true;
      }
      return finiteNow && Math.abs(change()) > errorOf(now) + errorOf(previous);
    }

    private static double errorOf(Cell cell) {
      return Double.isFinite(cell.standardError()) ? cell.standardError() : 0;
    }
  }

  private final String night;
  private final String previousNight;
  private final List<Comparison> comparisons;

  private SweepReport(String night, String previousNight, List<Comparison> comparisons) {
    this.night = night;
    this.previousNight = previousNight;
    this.comparisons = comparisons;
  }

  /**
   * @param previousNight the night compared with, null if there was none; {@code previous} its cells
   */
  public static SweepReport of(String night, List<Cell> cells, String previousNight, List<Cell> previous) {
    Map<String, Cell> before = new LinkedHashMap<>();
    previous.forEach(cell -> before.put(cell.key(), cell));
    List<Comparison> comparisons = new ArrayList<>();
    cells.forEach(cell -> comparisons.add(new Comparison(cell, before.get(cell.key()))));
    return new SweepReport(night, previousNight, List.copyOf(comparisons));
  }

  public List<Comparison> comparisons() {
    return comparisons;
  }

  public List<Comparison> flagged() {
    return comparisons.stream().filter(Comparison::flagged).toList();
  }

  /** How many cells the previous night also had. */
  public long compared() {
    return comparisons.stream().filter(comparison -> comparison.previous() != null).count();
  }

  /**
   * The summary page: what was compared, the flagged changes, then {@code tables} (each task's table, already
   * markdown) as they are.
   */
  public String markdown(String provenance, List<String> tables) {
    StringBuilder out = new StringBuilder("# Sweep of ").append(night).append("\n\n").append(provenance).append("\n\n");
    out.append(comparisons.size()).append(" cells; ");
    if (previousNight == null) {
      out.append("no earlier night to compare with.\n");
    } else {
      out.append(compared()).append(" of them also ran on ").append(previousNight).append(", ")
          .append(flagged().size()).append(" changed beyond their standard errors")
          .append(" (|now − before| > s.e. now + s.e. before, or diverged one night only).\n");
    }
    if (!flagged().isEmpty()) {
      out.append("\n| cell | ").append(previousNight).append(" | ").append(night).append(" | change |\n")
          .append("| --- | ---: | ---: | ---: |\n");
      for (Comparison comparison : flagged()) {
        out.append("| ").append(comparison.now().key()).append(" | ").append(text(comparison.previous()))
            .append(" | ").append(text(comparison.now())).append(" | ")
            .append(Double.isNaN(comparison.change()) ? "–" : String.format(Locale.ROOT, "%+.1f", comparison.change()))
            .append(" |\n");
      }
    }
    for (String table : tables) {
      out.append('\n').append(table);
    }
    return out.toString();
  }

  private static String text(Cell cell) {
    return Double.isFinite(cell.meanReturn())
        ? String.format(Locale.ROOT, "%.1f ± %.1f", cell.meanReturn(), cell.standardError()) : "diverged";
  }

  /** One line per cell with the previous night's result beside it; the next night reads its first columns. */
  public String csv() {
    StringBuilder out = new StringBuilder(HEADER).append('\n');
    for (Comparison comparison : comparisons) {
      Cell now = comparison.now();
      Cell previous = comparison.previous();
      out.append(String.join(",", night, now.task(), now.dataset(), now.objective(), now.point(),
          Long.toString(now.seed()), number(now.meanReturn()), number(now.standardError()),
          previous == null ? "" : number(previous.meanReturn()), previous == null ? "" : number(previous.standardError()),
          number(comparison.change()), Boolean.toString(comparison.flagged()))).append('\n');
    }
    return out.toString();
  }

  // Full precision: the next night compares against these numbers, and equal results must read back equal.
  private static String number(double value) {
    return Double.isNaN(value) ? "" : Double.toString(value);
  }

  /**
   * The cells of a night's summary.csv.
   *
   * @throws IllegalArgumentException naming the file if it is not a sweep summary (another header, a short line)
   */
  public static List<Cell> readCsv(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("sweep summary " + file + " does not exist");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
      throw new IllegalArgumentException(file + " is not a sweep summary (its first line is not " + HEADER
          + "); move it out of the nights directory");
    }
    List<Cell> cells = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String[] fields = lines.get(i).split(",", -1);
      if (fields.length != HEADER.split(",").length) {
        throw new IllegalArgumentException(file + " line " + (i + 1) + " has " + fields.length + " fields instead of "
            + HEADER.split(",").length + "; move the file out of the nights directory");
      }
      cells.add(new Cell(fields[1], fields[2], fields[3], fields[4], Long.parseLong(fields[5]), parse(fields[6]),
          parse(fields[7])));
    }
    return cells;
  }

  private static double parse(String field) {
    return field.isEmpty() ? Double.NaN : Double.parseDouble(field);
  }
}
