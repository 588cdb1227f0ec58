package relay.loadgen.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
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

    @Option(names = "--stalls-over", paramLabel = "MS",
            description = "Add a column: per run, the measured seconds with a delivery slower than MS milliseconds (from the run's .hlog).")
    Double stallsOverMs;

    /** Where each run was read from: its interval log lies beside it. */
    private final Map<RunResult, Path> readFrom = new IdentityHashMap<>();

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
        if (stallsOverMs != null && !(stallsOverMs > 0)) {
            System.err.println("table: --stalls-over must be a positive number of milliseconds");
            return 2;
        }
        SittingTable.Stalls stalls = stallsOverMs == null ? null
                : new SittingTable.Stalls(stallsOverMs, r -> stalledSeconds(r, stallsOverMs));
        String table = SittingTable.markdown(runs, baseline, series, stalls);
        System.out.print(table);
        if (out != null) {
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            Files.writeString(out, table, StandardCharsets.UTF_8);
        }
        return 0;
    }

    /** The seconds of the run's reported series with a delivery slower than {@code overMs}; -1 without its .hlog. */
    private int stalledSeconds(RunResult run, double overMs) {
        Path hlog = readFrom.get(run).resolveSibling(run.scenario() + ".hlog");
        if (!Files.isRegularFile(hlog)) {
            System.err.println("table: no interval log " + hlog + "; its stalled seconds are left out");
            return -1;
        }
        try {
            return IntervalLog.countOver(hlog, run.primarySeries(series), overMs);
        } catch (IOException | RuntimeException e) {
            System.err.println("table: cannot read " + hlog + ": " + e.getMessage());
            return -1;
        }
    }

    /** The runs under {@link #paths}, or null after saying why there are none. */
    private List<RunResult> read() throws IOException {
        List<RunResult> runs = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> found = Files.walk(path)) {
                    for (Path file : found.filter(f -> f.getFileName().toString().equals(RunResult.FILE_NAME)).sorted().toList()) {
                        add(runs, file);
                    }
                }
            } else if (Files.isRegularFile(path)) {
                add(runs, path);
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

    private void add(List<RunResult> runs, Path file) throws IOException {
        RunResult run = RunResult.read(file);
        readFrom.put(run, file);
        runs.add(run);
    }
}
