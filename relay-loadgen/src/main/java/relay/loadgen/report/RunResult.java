package relay.loadgen.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import relay.json.Json;

/**
 * One run as its {@code summary.json} describes it: what was run (scenario and the options that shape the
 * load), against whom (label), and what came out (per-series percentiles, server CPU, deliveries, errors).
 *
 * @param shape the run's options without those that only say where or as whom it ran (url, out, label,
 *              server pid, quiet): runs with equal scenario and shape are the same load
 * @param series series name -> its percentiles, keys as in summary.json ({@code p99Ms}, {@code maxMs} ...)
 * @param serverCpuUsPerDelivery the server's CPU time per delivered message, or null without {@code --server-pid}
 * @param serverJitCpuUsPerDelivery of that, the time of a HotSpot server's JIT compiler threads; null for other
 *              servers and without {@code --server-pid}
 */
public record RunResult(String scenario, String label, String started, Map<String, Object> shape,
                        Map<String, Map<String, Object>> series, Double serverCpuUsPerDelivery,
                        Double serverJitCpuUsPerDelivery, long received,
                        long expected, long errors) {
    /** The file a run writes into its {@code --out} directory, and that this reads. */
    public static final String FILE_NAME = "summary.json";
    private static final Set<String> NOT_SHAPE = Set.of("url", "out", "label", "server-pid", "quiet");

    /** Reads a {@code summary.json}; throws IOException naming the file when it is not one. */
    @SuppressWarnings("unchecked")
    public static RunResult read(Path file) throws IOException {
        Object parsed;
        try {
            parsed = Json.parse(Files.readString(file));
        } catch (Json.InvalidJsonException e) {
            throw new IOException(file + ": not JSON (" + e.getMessage() + ")");
        }
        if (!(parsed instanceof Map<?, ?> root) || !(root.get("series") instanceof Map<?, ?> series)
                || !(root.get("scenario") instanceof String scenario)
                || !series.values().stream().allMatch(v -> v instanceof Map)) {
            throw new IOException(file + ": not a load generator summary (no scenario or series)");
        }
        Map<String, Object> shape = new TreeMap<>();
        if (root.get("config") instanceof Map<?, ?> config) {
            config.forEach((k, v) -> {
                if (!NOT_SHAPE.contains(String.valueOf(k))) {
                    shape.put(String.valueOf(k), v);
                }
            });
        }
        long errors = 0;
        if (root.get("errors") instanceof Map<?, ?> kinds) {
            for (Object count : kinds.values()) {
                errors += count instanceof Number n ? n.longValue() : 0;
            }
        }
        Object label = root.get("label");
        return new RunResult(scenario, label == null ? file.toAbsolutePath().getParent().getFileName().toString() : label.toString(),
                String.valueOf(root.get("started")), shape, (Map<String, Map<String, Object>>) series,
                root.get("serverCpuUsPerDelivery") instanceof Number cpu ? cpu.doubleValue() : null,
                root.get("serverJitCpuUsPerDelivery") instanceof Number jit ? jit.doubleValue() : null,
                number(root.get("received")), number(root.get("expectedDeliveries")), errors);
    }

    /** The series to report: {@code name} if given, else the first that is not the generator's send-lag. */
    public String primarySeries(String name) {
        if (name != null) {
            return series.containsKey(name) ? name : null;
        }
        for (String s : series.keySet()) {
            if (!s.equals("send-lag")) {
                return s;
            }
        }
        return null;
    }

    /** A value of one series ({@code p99Ms}, ...), or NaN when the run has no such series or value. */
    public double value(String seriesName, String key) {
        Map<String, Object> s = seriesName == null ? null : series.get(seriesName);
        return s != null && s.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }
}
