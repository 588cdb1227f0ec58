package relay.loadgen.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./relay loadgen table [--baseline LABEL] PATH...}: the runs' {@code summary.json} files (or the
 * directories holding them, searched to any depth) as one Markdown table of a sitting ({@link SittingTable}):
 * latency percentiles, server CPU per delivery and deliveries per load and server, with ratios to a baseline.
 */
@Command(name = "table", mixinStandardHelpOptions = true,
        description = "A sitting's runs (summary.json files or directories of them) as one Markdown table.")
public final class TableCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "PATH", description = "summary.json files, or directories to search for them.")
    List<Path> paths;

    @Option(names = "--baseline", paramLabel = "LABEL", description = "The server (run label) the ratio columns divide by.")
    String baseline;

    @Option(names = "--series", description = "The series to report (default: each run's first, e.g. broadcast or round-trip).")
    String series;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the table to this file.")
    Path out;

    @Override
    public Integer call() throws IOException {
        List<RunResult> runs;
        try {
            runs = read();
        } catch (IOException e) {
            System.err.println("table: " + e.getMessage());
            return 2;
        }
        if (runs == null) {
            return 2;
        }
        if (baseline != null && runs.stream().noneMatch(r -> r.label().equals(baseline))) {
            System.err.println("table: no run is labelled '" + baseline + "'; the ratio columns stay empty");
        }
        String table = SittingTable.markdown(runs, baseline, series);
        System.out.print(table);
        if (out != null) {
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            Files.writeString(out, table, StandardCharsets.UTF_8);
        }
        return 0;
    }

    /** The runs under {@link #paths}, or null after saying why there are none. */
    private List<RunResult> read() throws IOException {
        List<RunResult> runs = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> found = Files.walk(path)) {
                    for (Path file : found.filter(f -> f.getFileName().toString().equals(RunResult.FILE_NAME)).sorted().toList()) {
                        runs.add(RunResult.read(file));
                    }
                }
            } else if (Files.isRegularFile(path)) {
                runs.add(RunResult.read(path));
            } else {
                System.err.println("table: no such file or directory: " + path);
                return null;
            }
        }
        if (runs.isEmpty()) {
            System.err.println("table: no summary.json under " + paths);
            return null;
        }
        return runs;
    }
}
