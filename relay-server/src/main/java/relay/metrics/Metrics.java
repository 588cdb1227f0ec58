package relay.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Process-wide counters, written from any connection thread without contention (LongAdder) and read by
 * the /metrics endpoint. Keyed counters (close codes, handshake failures) are created on first use.
 */
public final class Metrics {
    public final LongAdder connectionsAccepted = new LongAdder();
    public final LongAdder connectionsOpen = new LongAdder();
    public final LongAdder queueOverflows = new LongAdder();
    public final LongAdder messagesIn = new LongAdder();
    public final LongAdder bytesIn = new LongAdder();
    public final LongAdder framesOut = new LongAdder();
    public final LongAdder bytesOut = new LongAdder();
    private final ConcurrentHashMap<Integer, LongAdder> closesByCode = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> handshakeFailures = new ConcurrentHashMap<>();

    public void countClose(int code) {
        closesByCode.computeIfAbsent(code, k -> new LongAdder()).increment();
    }

    public void countHandshakeFailure(String reason) {
        handshakeFailures.computeIfAbsent(reason, k -> new LongAdder()).increment();
    }

    public Map<Integer, Long> closesByCode() {
        Map<Integer, Long> copy = new TreeMap<>();
        closesByCode.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    public Map<String, Long> handshakeFailures() {
        Map<String, Long> copy = new TreeMap<>();
        handshakeFailures.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }
}
