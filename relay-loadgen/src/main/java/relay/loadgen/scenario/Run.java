package relay.loadgen.scenario;

import java.util.concurrent.atomic.LongAdder;
import relay.loadgen.net.ClientGroup;
import relay.loadgen.net.WsConnection;
import relay.loadgen.report.LatencyLog;

/**
 * The shared state of one run, read and written by the loop threads: its clock origin and phases, the
 * latency log, the counters of the progress line and the errors.
 *
 * <pre>
 *   baseNs ......... set-up ......... loadStartNs --warm-up--> warmupEndNs --measured--> endNs --drain-->
 * </pre>
 * Stamps in messages are nanoseconds since {@code baseNs}. A value reaches the log only when its intended
 * send time is at or after {@code warmupEndNs} (set-up series of the storm scenarios excepted), so the
 * warm-up never does whatever its messages' latency; warm-up values go through the same code into
 * recorders that are never written ({@link LatencyLog}), so that code is compiled when the measurement begins.
 */
public final class Run {
    /** The error kind of a message an open connection would not queue. */
    public static final String SEND_BUFFER_FULL = "send buffer full";
    public final long baseNs = System.nanoTime();
    public final LatencyLog log;
    public final ClientGroup group;
    public final ErrorCounts errors = new ErrorCounts();
    /** Messages sent (all phases). */
    public final LongAdder sent = new LongAdder();
    /** Deliveries expected from the messages sent (a broadcast to K clients expects K). */
    public final LongAdder expected = new LongAdder();
    /** Deliveries received. */
    public final LongAdder received = new LongAdder();
    private final int sendLagSeries;
    private volatile long loadStartNs = Long.MAX_VALUE;
    private volatile long warmupEndNs = Long.MAX_VALUE;
    private volatile long endNs = Long.MAX_VALUE;
    private volatile boolean stopping;

    public Run(LatencyLog log, ClientGroup group) {
        this.log = log;
        this.group = group;
        this.sendLagSeries = log.series().indexOf(Scenario.SEND_LAG);
    }

    void phases(long loadStartNs, long warmupNs, long durationNs) {
        this.warmupEndNs = loadStartNs + warmupNs;
        this.endNs = warmupEndNs + durationNs;
        this.loadStartNs = loadStartNs;
    }

    public long loadStartNs() {
        return loadStartNs;
    }

    public long warmupEndNs() {
        return warmupEndNs;
    }

    public long endNs() {
        return endNs;
    }

    public boolean stopping() {
        return stopping;
    }

    void stop() {
        stopping = true;
    }

    public boolean measured(long intendedNs) {
        return intendedNs - warmupEndNs >= 0;
    }

    /** A stamp value (ns since base) for an intended time. */
    public long stampOf(long intendedNs) {
        return intendedNs - baseNs;
    }

    /** Records {@code nowNs - intendedNs} in a series: measured if the message was sent after the warm-up. */
    public void recordLatency(int series, long intendedNs, long nowNs) {
        int warmup = (int) ((intendedNs - warmupEndNs) >>> 63); // 1 before the end of the warm-up: no branch
        log.record(series, nowNs - intendedNs, warmup);
    }

    /** Records a delivery carrying a stamp (ns since base); a missing stamp is a wrong answer. */
    public void recordStamped(int series, long stamp, long nowNs) {
        received.increment();
        if (stamp < 0) {
            errors.add("wrong answer: no stamp");
            return;
        }
        recordLatency(series, baseNs + stamp, nowNs);
    }

    /**
     * Counts a message that connection {@code c} would not queue (loop thread): while it is open that means
     * its outbound buffer is full, the server not reading fast enough, a {@value #SEND_BUFFER_FULL} error;
     * a connection that is closing or closed is not counted again (its close is). Returns whether {@code c}
     * is still open.
     */
    public boolean refused(WsConnection c) {
        if (!c.isOpen()) {
            return false;
        }
        errors.add(SEND_BUFFER_FULL);
        return true;
    }

    /** How late the loop sent a message scheduled for {@code intendedNs}; the generator's own lag. */
    public void recordSendLag(long intendedNs, long nowNs) {
        if (sendLagSeries >= 0) {
            recordLatency(sendLagSeries, intendedNs, nowNs);
        }
    }
}
