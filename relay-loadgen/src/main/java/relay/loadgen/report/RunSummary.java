package relay.loadgen.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * A run's latency, read back from its {@code .hlog}: per series (the hlog tag) the sum of all intervals
 * and the measured window they cover. Used both at the end of a run and by {@code compare}.
 *
 * @param label the {@code #[label: ...]} comment, or the file name
 * @param configJson the {@code #[config: ...]} comment, or "{}"
 * @param series series name -> total histogram (ns) and its window, in log order
 */
public record RunSummary(String label, String configJson, Map<String, Series> series) {
    /** Percentiles of the table, in order. */
    public static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99};

    /** One series: its histogram in ns and the seconds its intervals span. */
    public record Series(String name, Histogram histogram, double seconds) {
        public double rate() {
            return seconds <= 0 ? 0 : histogram.getTotalCount() / seconds;
        }

        public double percentileMs(double p) {
            return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(p) / LatencyLog.NS_PER_MS;
        }

        public double maxMs() {
            return histogram.getTotalCount() == 0 ? 0 : histogram.getMaxValue() / LatencyLog.NS_PER_MS;
        }

        public double meanMs() {
            return histogram.getTotalCount() == 0 ? 0 : histogram.getMean() / LatencyLog.NS_PER_MS;
        }
    }

    public static RunSummary read(Path hlog) throws IOException {
        String label = hlog.getFileName().toString();
        String config = "{}";
        for (String line : Files.readAllLines(hlog)) {
            if (line.startsWith("#[label: ")) {
                label = line.substring(9, line.length() - 1);
            } else if (line.startsWith("#[config: ")) {
                config = line.substring(10, line.length() - 1);
            } else if (!line.startsWith("#")) {
                break;
            }
        }
        Map<String, Histogram> totals = new LinkedHashMap<>();
        Map<String, double[]> windows = new LinkedHashMap<>();
        IntervalLog.forEach(hlog, interval -> {
            Histogram h = interval.histogram();
            totals.computeIfAbsent(interval.series(),
                    t -> new Histogram(1, LatencyLog.HIGHEST_TRACKABLE_NS, LatencyLog.SIGNIFICANT_DIGITS)).add(h);
            double[] w = windows.computeIfAbsent(interval.series(), t -> new double[] {Double.MAX_VALUE, 0});
            if (h.getTotalCount() > 0) { // a series' window spans its non-empty intervals (set-up-only series, gaps)
                w[0] = Math.min(w[0], h.getStartTimeStamp() / 1000.0);
                w[1] = Math.max(w[1], h.getEndTimeStamp() / 1000.0);
            }
        });
        Map<String, Series> series = new LinkedHashMap<>();
        totals.forEach((name, histogram) -> {
            double[] w = windows.get(name);
            series.put(name, new Series(name, histogram, w[1] >= w[0] ? w[1] - w[0] : 0));
        });
        return new RunSummary(label, config, series);
    }

    /** The series named, or the first one when {@code name} is null. */
    public Series series(String name) {
        if (name == null) {
            return series.isEmpty() ? null : series.values().iterator().next();
        }
        return series.get(name);
    }

    /** The percentile table (ms), one row per series of this run. */
    public String table() {
        List<String[]> rows = new ArrayList<>();
        for (Series s : series.values()) {
            if (s.histogram().getTotalCount() > 0) { // e.g. carparty's targeted series when no share is targeted
                rows.add(row(s.name(), s));
            }
        }
        return formatTable("series", rows);
    }

    public static String[] row(String name, Series s) {
        List<String> cells = new ArrayList<>();
        cells.add(name);
        for (double p : PERCENTILES) {
            cells.add(ms(s.percentileMs(p)));
        }
        cells.add(ms(s.maxMs()));
        cells.add(ms(s.meanMs()));
        cells.add(Long.toString(s.histogram().getTotalCount()));
        cells.add(String.format(Locale.ROOT, "%.1f", s.rate()));
        return cells.toArray(new String[0]);
    }

    public static String formatTable(String firstHeader, List<String[]> rows) {
        String[] header = {firstHeader, "p50", "p90", "p99", "p99.9", "p99.99", "max", "mean", "count", "rate/s"};
        return formatTable(header, rows) + "(latencies in ms; rate = recorded values per second of measured time)\n";
    }

    /** Columns aligned under {@code header}: the first left-aligned, the others right-aligned. */
    static String formatTable(String[] header, List<String[]> rows) {
        int[] width = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            width[i] = header[i].length();
            for (String[] r : rows) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        appendRow(sb, header, width);
        for (String[] r : rows) {
            appendRow(sb, r, width);
        }
        return sb.toString();
    }

    private static void appendRow(StringBuilder sb, String[] cells, int[] width) {
        for (int i = 0; i < cells.length; i++) {
            if (i == 0) {
                sb.append(cells[i]).append(" ".repeat(width[i] - cells[i].length()));
            } else {
                sb.append("  ").append(" ".repeat(width[i] - cells[i].length())).append(cells[i]);
            }
        }
        sb.append('\n');
    }

    static String ms(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.1f" : "%.3f", v);
    }

    /** Writes one HdrHistogram percentile distribution ({@code .hgrm}, values in ms) per series into {@code dir}. */
    public void writeHgrm(Path dir) throws IOException {
        for (Series s : series.values()) {
            try (PrintStream out = new PrintStream(dir.resolve(s.name() + ".hgrm").toFile())) {
                s.histogram().outputPercentileDistribution(out, 5, LatencyLog.NS_PER_MS);
            }
        }
    }

    /** The summary's "series" object: per series its percentiles, max, mean (ms), count and rate. */
    public Map<String, Object> seriesJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Series s : series.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("count", s.histogram().getTotalCount());
            m.put("ratePerS", round(s.rate()));
            m.put("seconds", round(s.seconds()));
            for (double p : PERCENTILES) {
                m.put("p" + (p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p)) + "Ms", round(s.percentileMs(p)));
            }
            m.put("maxMs", round(s.maxMs()));
            m.put("meanMs", round(s.meanMs()));
            out.put(s.name(), m);
        }
        return out;
    }

    static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
