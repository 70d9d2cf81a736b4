package dev.mirrorpo.envs;

import java.util.List;
import java.util.function.Supplier;

/** The registry of tasks, by the names used on the command line and in files. */
public final class Tasks {
  private static final List<Supplier<Task>> ALL = List.of(Hopper::new, Ant::fourLegged, Ant::threeLegged);

  private Tasks() {}

  /** Every task, in a stable order. */
  public static List<Task> all() {
    return ALL.stream().map(Supplier::get).toList();
  }

  public static List<String> names() {
    return all().stream().map(Task::name).toList();
  }

  /**
   * The task of that name.
   *
   * @throws IllegalArgumentException naming the valid tasks if there is none
   */
  public static Task byName(String name) {
    for (Task task : all()) {
      if (task.name().equals(name)) {
        return task;
      }
    }
    throw new IllegalArgumentException(
        "unknown task '" + name + "'; valid tasks: " + String.join(", ", names()));
  }
}
