package dev.mirrorpo.cli;

import dev.mirrorpo.learning.io.Directories;
import dev.mirrorpo.learning.io.JsonLines;
import dev.mirrorpo.pipelines.Reproducibility;
import dev.mirrorpo.runfiles.Origin;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** `mirrorpo reproducibility check`: does this machine compute what the golden digests say? */
@Command(name = "reproducibility", mixinStandardHelpOptions = true,
    description = "Same seed, same result on any x86-64 machine: check it against the golden digests.",
    subcommands = {ReproducibilityCommand.Check.class})
final class ReproducibilityCommand {

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = {"Makes the quick dataset, a short ORPO and a short MPO training, and one quick search generation"
          + " (about a minute on 2 cores), and compares their digests with the golden ones; prints"
          + " 'reproducible: yes', or the first artefact that differs and exits 1 (docs/reproducibility.md).",
          "--record writes the digests as the new golden ones instead: only after a deliberate change of numerics."})
  static final class Check implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--golden", description = "Golden digests (default: ${DEFAULT-VALUE}).")
    Path golden = Path.of("docs", "reproducibility", "golden-digests.json");

    @Option(names = "--config", description = "The quick preset (default: ${DEFAULT-VALUE}).")
    Path config = Path.of("configs", "quick.yaml");

    @Option(names = "--only", split = ",", paramLabel = "ARTEFACT",
        description = "Check only these artefacts: quick-dataset, orpo-training, mpo-training, quick-search-generation.")
    List<String> only = List.of();

    @Option(names = "--work", description = "Keep the artefacts in this directory (default: a temporary one, deleted).")
    Path work;

    @Option(names = "--record", description = "Write the computed digests to --golden instead of comparing.")
    boolean record;

    @Option(names = "--json", description = "Print one JSON line.")
    boolean json;

    @Override
    public Integer call() throws IOException {
      Set<String> artefacts = new LinkedHashSet<>(only);
      if (record && !artefacts.isEmpty()) {
        throw new IllegalArgumentException("--record writes every artefact's digest; drop --only");
      }
      Reproducibility.Golden expected = record ? null : Reproducibility.Golden.read(golden);
      String command = Provenance.command(spec.commandLine().getParseResult().originalArgs());
      Origin origin = new Origin(command, Provenance.gitCommit(), Provenance.now());
      Path directory = work != null ? Files.createDirectories(work) : Files.createTempDirectory("mirrorpo-reproducible");
      List<Reproducibility.Digest> digests;
      try {
        digests = Reproducibility.compute(config, directory, artefacts, origin, spec.commandLine().getErr());
      } finally {
        if (work == null) {
          Directories.deleteTree(directory);
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      if (record) {
        Reproducibility.golden(digests, origin).write(golden);
        out.printf("recorded %d golden digests on %s into %s%n", digests.size(), Reproducibility.machine(), golden);
        return 0;
      }
      String difference = Reproducibility.firstDifference(expected, digests);
      if (json) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("reproducible", difference == null);
        fields.put("machine", Reproducibility.machine());
        fields.put("golden_machine", expected.machine());
        fields.put("golden_commit", expected.gitCommit());
        Map<String, String> computed = new LinkedHashMap<>();
        digests.forEach(d -> computed.put(d.name(), d.sha256()));
        fields.put("digests", computed);
        fields.put("difference", difference);
        out.println(JsonLines.line(fields));
      } else if (difference == null) {
        out.printf("reproducible: yes (%d artefacts match the golden digests recorded on %s at %s)%n", digests.size(),
            expected.machine(), expected.gitCommit());
      } else {
        out.printf("reproducible: no: %s%n", difference);
      }
      return difference == null ? 0 : Mirrorpo.FAILURE;
    }
  }
}
