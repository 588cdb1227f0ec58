package relay.loadgen.report;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./relay loadgen compare [label=]A.hlog [label=]B.hlog ...}: reads each run's interval log, prints a
 * side-by-side percentile table per series and writes one self-contained HTML page ({@link CompareReport})
 * with a percentile-distribution chart per series, one line per run. A run's label is the one given on the
 * command line, else the {@code #[label: ...]} its log was written with.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Side-by-side percentiles of several runs' .hlog files, and an HTML chart page.")
public final class CompareCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "[LABEL=]HLOG", description = "Interval logs written by the load generator.")
    List<String> runs;

    @Option(names = "--series", description = "Only this series (default: every series of the first run except send-lag).")
    List<String> onlySeries;

    @Option(names = "--html", description = "Where to write the page. Default: results/compare-<yyyyMMdd-HHmmss>.html")
    Path html;

    @Option(names = "--title", defaultValue = "relay latency comparison", description = "Page title. Default: ${DEFAULT-VALUE}")
    String title;

    @Override
    public Integer call() throws Exception {
        List<RunSummary> summaries = new ArrayList<>();
        for (String arg : runs) {
            int eq = arg.indexOf('=');
            String label = null;
            String file = arg;
            if (eq > 0 && !Files.exists(Path.of(arg))) {
                label = arg.substring(0, eq);
                file = arg.substring(eq + 1);
            }
            RunSummary s = RunSummary.read(Path.of(file));
            summaries.add(label == null ? s : new RunSummary(label, s.configJson(), s.series()));
        }
        Set<String> names = new LinkedHashSet<>();
        if (onlySeries != null) {
            names.addAll(onlySeries);
        } else {
            for (String name : summaries.get(0).series().keySet()) {
                if (!name.equals("send-lag")) {
                    names.add(name);
                }
            }
        }
        for (String name : names) {
            List<String[]> rows = new ArrayList<>();
            for (RunSummary s : summaries) {
                RunSummary.Series series = s.series(name);
                if (series != null) {
                    rows.add(RunSummary.row(s.label(), series));
                }
            }
            System.out.println("series " + name);
            System.out.print(RunSummary.formatTable("run", rows));
            System.out.println();
        }
        if (html == null) {
            html = Path.of("results", "compare-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                    .format(LocalDateTime.now(ZoneOffset.UTC)) + ".html");
        }
        if (html.toAbsolutePath().getParent() != null) {
            Files.createDirectories(html.toAbsolutePath().getParent());
        }
        Files.writeString(html, CompareReport.html(title, summaries, List.copyOf(names)), StandardCharsets.UTF_8);
        System.out.println("page: " + html.toAbsolutePath());
        return 0;
    }
}
