package relay.loadgen.scenario;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Errors of a run by kind: {@code refused}, {@code http 404}, {@code closed 1013}, {@code closed 1006},
 * {@code wrong answer: ...}, {@code timeout} (a delivery that never came), {@code send buffer full}, ...
 * Any thread; errors are off the hot path (one map lookup each).
 */
public final class ErrorCounts {
    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final LongAdder total = new LongAdder();

    public void add(String kind) {
        add(kind, 1);
    }

    public void add(String kind, long n) {
        counts.computeIfAbsent(kind, k -> new LongAdder()).add(n);
        total.add(n);
    }

    public long total() {
        return total.sum();
    }

    /** Kinds in alphabetical order with their counts. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
