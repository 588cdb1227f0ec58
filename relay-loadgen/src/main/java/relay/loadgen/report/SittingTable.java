package relay.loadgen.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;

/**
 * The Markdown table of a sitting: one row per load and server, each cell listing that server's runs of that
 * load in the order they ran (so "1.06, 1.40" is round 1, round 2), and the ratios to a baseline server,
 * round by round, since only runs of the same sitting and round are close enough in time to compare.
 */
public final class SittingTable {
    private static final String[] HEADER = {"load", "server", "p50 ms", "p99 ms", "p99.9 ms", "max ms",
            "CPU µs/delivery", "p99 ratio", "p99.9 ratio", "CPU ratio", "delivered"};
    /**
     * An extra column before "delivered" when a run measured a HotSpot server: the part of its CPU time per
     * delivery spent by the JIT compiler threads, that is, warm-up still going on in the measured time.
     */
    private static final String JIT_HEADER = "of it JIT µs";
    private static final ToDoubleFunction<RunResult> JIT = r -> r.serverJitCpuUsPerDelivery() == null
            ? Double.NaN : r.serverJitCpuUsPerDelivery();

    /**
     * An extra column before "delivered": per run, how many measured seconds had a delivery slower than
     * {@code overMs} ({@code count} gives -1 when the run's interval log is missing).
     */
    public record Stalls(double overMs, ToIntFunction<RunResult> count) {
        String header() {
            String ms = overMs == Math.rint(overMs) ? Long.toString((long) overMs) : number(overMs);
            return "seconds over " + ms + " ms";
        }
    }

    private SittingTable() {}

    /**
     * @param runs     the sitting's runs, any order
     * @param baseline the server the ratios are to (null or absent: no ratios)
     * @param series   the series to report (null: each run's first series but send-lag)
     */
    public static String markdown(List<RunResult> runs, String baseline, String series) {
        return markdown(runs, baseline, series, null);
    }

    /**
     * The same, with a column of each run's stalled seconds (none when {@code stalls} is null), and one of the
     * JIT's share of the CPU when any run has it.
     */
    public static String markdown(List<RunResult> runs, String baseline, String series, Stalls stalls) {
        List<RunResult> ordered = new ArrayList<>(runs);
        ordered.sort(Comparator.comparing(RunResult::started));
        Map<List<Object>, Map<String, List<RunResult>>> loads = new LinkedHashMap<>();
        for (RunResult r : ordered) {
            loads.computeIfAbsent(List.of(r.scenario(), r.shape()), k -> new LinkedHashMap<>())
                    .computeIfAbsent(r.label(), k -> new ArrayList<>()).add(r);
        }
        boolean jit = runs.stream().anyMatch(r -> r.serverJitCpuUsPerDelivery() != null);
        String[] header = beforeLast(beforeLast(HEADER, jit ? JIT_HEADER : null), stalls == null ? null : stalls.header());
        StringBuilder out = new StringBuilder();
        out.append(row(header)).append(row(separator(header.length)));
        for (Map.Entry<List<Object>, Map<String, List<RunResult>>> load : loads.entrySet()) {
            String name = loadName(load.getKey(), loads.keySet());
            List<RunResult> base = baseline == null ? null : load.getValue().get(baseline);
            for (Map.Entry<String, List<RunResult>> server : load.getValue().entrySet()) {
                String[] cells = cells(name, server.getKey(), server.getValue(), base, series);
                cells = beforeLast(cells, jit ? values(server.getValue(), JIT) : null);
                out.append(row(beforeLast(cells, stalls == null ? null : stallCounts(server.getValue(), stalls))));
            }
        }
        return out.toString();
    }

    private static String[] cells(String load, String server, List<RunResult> runs, List<RunResult> base,
                                  String series) {
        ToDoubleFunction<RunResult> p99 = r -> r.value(r.primarySeries(series), "p99Ms");
        ToDoubleFunction<RunResult> p999 = r -> r.value(r.primarySeries(series), "p99.9Ms");
        ToDoubleFunction<RunResult> cpu = r -> r.serverCpuUsPerDelivery() == null ? Double.NaN : r.serverCpuUsPerDelivery();
        String seriesName = runs.get(0).primarySeries(series);
        String label = seriesName == null || seriesName.equals(runs.get(0).primarySeries(null))
                ? load : load + " (" + seriesName + ")";
        return new String[] {label, server,
                values(runs, r -> r.value(r.primarySeries(series), "p50Ms")), values(runs, p99), values(runs, p999),
                values(runs, r -> r.value(r.primarySeries(series), "maxMs")), values(runs, cpu),
                ratios(runs, base, p99), ratios(runs, base, p999), ratios(runs, base, cpu), delivered(runs)};
    }

    /** {@code cells} with {@code extra} inserted before the last cell ("delivered"); as they are if it is null. */
    private static String[] beforeLast(String[] cells, String extra) {
        if (extra == null) {
            return cells;
        }
        String[] out = Arrays.copyOf(cells, cells.length + 1);
        out[cells.length - 1] = extra;
        out[cells.length] = cells[cells.length - 1];
        return out;
    }

    private static String stallCounts(List<RunResult> runs, Stalls stalls) {
        List<String> cells = new ArrayList<>();
        for (RunResult r : runs) {
            int n = stalls.count().applyAsInt(r);
            cells.add(n < 0 ? "-" : Integer.toString(n));
        }
        return String.join(", ", cells);
    }

    /** The scenario, plus the options in which it differs from the sitting's other loads of the same scenario. */
    private static String loadName(List<Object> key, Set<List<Object>> all) {
        String scenario = (String) key.get(0);
        Map<?, ?> shape = (Map<?, ?>) key.get(1);
        Set<Object> differing = new LinkedHashSet<>();
        for (List<Object> other : all) {
            if (other.get(0).equals(scenario) && !other.equals(key)) {
                Map<?, ?> otherShape = (Map<?, ?>) other.get(1);
                for (Object k : shape.keySet()) {
                    if (!Objects.equals(shape.get(k), otherShape.get(k))) {
                        differing.add(k);
                    }
                }
            }
        }
        StringBuilder name = new StringBuilder(scenario);
        for (Object k : differing) {
            name.append(' ').append(k).append('=').append(shape.get(k));
        }
        return name.toString();
    }

    private static String values(List<RunResult> runs, ToDoubleFunction<RunResult> f) {
        List<String> cells = new ArrayList<>();
        for (RunResult r : runs) {
            cells.add(number(f.applyAsDouble(r)));
        }
        return String.join(", ", cells);
    }

    /** Round by round when both servers ran the load equally often, else the ratio of the medians. */
    private static String ratios(List<RunResult> runs, List<RunResult> base, ToDoubleFunction<RunResult> f) {
        if (base == null || base == runs) {
            return "";
        }
        if (runs.size() == base.size()) {
            List<String> cells = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                cells.add(ratio(f.applyAsDouble(runs.get(i)), f.applyAsDouble(base.get(i))));
            }
            return String.join(", ", cells);
        }
        return ratio(median(runs, f), median(base, f)) + " (medians)";
    }

    private static String delivered(List<RunResult> runs) {
        List<String> cells = new ArrayList<>();
        boolean complete = true;
        for (RunResult r : runs) {
            complete &= r.received() == r.expected() && r.errors() == 0;
            cells.add(r.received() + "/" + r.expected() + (r.errors() == 0 ? "" : " (" + r.errors() + " errors)"));
        }
        return complete ? "all" : String.join(", ", cells);
    }

    private static double median(List<RunResult> runs, ToDoubleFunction<RunResult> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String ratio(double value, double base) {
        if (Double.isNaN(value) || Double.isNaN(base) || base <= 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2fx", value / base);
    }

    /** Three significant digits or so: 0.186, 1.36, 35.2, 412. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        double a = Math.abs(v);
        String format = a < 1 ? "%.3f" : a < 10 ? "%.2f" : a < 100 ? "%.1f" : "%.0f";
        return String.format(Locale.ROOT, format, v);
    }

    private static String[] separator(int columns) {
        String[] s = new String[columns];
        Arrays.fill(s, "---");
        return s;
    }

    private static String row(String[] cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }
}
