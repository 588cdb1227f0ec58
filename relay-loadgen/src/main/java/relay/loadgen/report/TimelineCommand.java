package relay.loadgen.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./relay loadgen timeline HLOG}: one run's latency second by second, as its interval log holds it.
 * A whole-run percentile says how bad the tail is; this says when it happened, which is what tells a
 * periodic cause (a keep-alive sweep, a collection, the measurement's first seconds) from noise.
 */
@Command(name = "timeline", mixinStandardHelpOptions = true,
        description = "One run's latency per interval (second) of its .hlog: count, p50, p99, p99.9 and max.")
public final class TimelineCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "HLOG", description = "An interval log written by the load generator.")
    Path hlog;

    @Option(names = "--series", description = "Only this series (default: every series except send-lag).")
    String only;

    @Option(names = "--over", paramLabel = "MS",
            description = "Only the intervals whose max latency is above MS milliseconds.")
    double overMs;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(hlog)) {
            System.err.println("timeline: no such file: " + hlog);
            return 2;
        }
        List<String[]> rows = new ArrayList<>();
        IntervalLog.forEach(hlog, interval -> {
            Histogram h = interval.histogram();
            String series = interval.series();
            boolean shown = only == null ? !series.equals("send-lag") : series.equals(only);
            if (shown && h.getTotalCount() > 0 && !(overMs > 0 && interval.maxMs() <= overMs)) {
                rows.add(new String[] {String.format(Locale.ROOT, "%.1f", interval.second()), series,
                        Long.toString(h.getTotalCount()), ms(h, 50), ms(h, 99), ms(h, 99.9), RunSummary.ms(interval.maxMs())});
            }
        });
        System.out.print(RunSummary.formatTable(new String[] {"second", "series", "count", "p50", "p99", "p99.9", "max"}, rows));
        System.out.println("(seconds since the generator started; the log holds the measured seconds; latencies in ms"
                + (overMs > 0 ? "; only intervals with a max above " + RunSummary.ms(overMs) + " ms)" : ")"));
        return 0;
    }

    private static String ms(Histogram h, double percentile) {
        return RunSummary.ms(h.getValueAtPercentile(percentile) / LatencyLog.NS_PER_MS);
    }
}
