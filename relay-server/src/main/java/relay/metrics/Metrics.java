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
    public final LongAdder rateLimited = new LongAdder();
    public final LongAdder framesOut = new LongAdder();
    public final LongAdder bytesOut = new LongAdder();
    public final LatencyHistogram routingLatency = new LatencyHistogram();
    /** Cross-node traffic; shown on /metrics only with --cluster. */
    public final ClusterCounters cluster = new ClusterCounters();
    private final ConcurrentHashMap<Integer, LongAdder> closesByCode = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> handshakeFailures = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> openByListener = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ProtocolCounters> byProtocol = new ConcurrentHashMap<>();
    /** Endpoint object -> its protocol's counters; filled at start-up by the composition root. */
    private final ConcurrentHashMap<Object, ProtocolCounters> byEndpoint = new ConcurrentHashMap<>(); // endpoints use identity equals
    private final ProtocolCounters unbound = protocol("auto");

    /** The counters of a protocol, created on first use. */
    public ProtocolCounters protocol(String name) {
        return byProtocol.computeIfAbsent(name, ProtocolCounters::new);
    }

    /** Names the protocol an endpoint object serves; call before the server starts accepting. */
    public void registerEndpoint(Object endpoint, String protocol) {
        byEndpoint.put(endpoint, protocol(protocol));
    }

    /** The counters for connections bound to {@code endpoint} ("auto" for unknown or unbound endpoints). */
    public ProtocolCounters countersFor(Object endpoint) {
        ProtocolCounters counters = byEndpoint.get(endpoint);
        return counters != null ? counters : unbound;
    }

    public LongAdder openOnListener(String listener) {
        return openByListener.computeIfAbsent(listener, k -> new LongAdder());
    }

    /** Messages received on all protocols (the sum of the per-protocol counters, so not counted twice). */
    public long messagesIn() {
        return byProtocol.values().stream().mapToLong(c -> c.messagesIn.sum()).sum();
    }

    /** Payload bytes received on all protocols. */
    public long bytesIn() {
        return byProtocol.values().stream().mapToLong(c -> c.bytesIn.sum()).sum();
    }

    public Map<String, ProtocolCounters> protocols() {
        return new TreeMap<>(byProtocol);
    }

    public Map<String, Long> openByListener() {
        Map<String, Long> copy = new TreeMap<>();
        openByListener.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

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

    private final ConcurrentHashMap<String, LongAdder> protocolErrors = new ConcurrentHashMap<>();

    /**
     * Counts an error a protocol answered or closed with; {@code error} is a fixed, low-cardinality label
     * (e.g. {@code unknown_target}), never a value taken from a message.
     */
    public void countProtocolError(String protocol, String error) {
        protocolErrors.computeIfAbsent(protocol + "/" + error, k -> new LongAdder()).increment();
    }

    /** Protocol error counts keyed {@code protocol/error}. */
    public Map<String, Long> protocolErrors() {
        Map<String, Long> copy = new TreeMap<>();
        protocolErrors.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }
}
