package relay.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * Cross-node traffic of this node (docs/cluster.md), updated lock-free by connection threads (publishing),
 * the cluster's publisher and subscriber threads. Rendered only when the node runs with {@code --cluster}.
 */
public final class ClusterCounters {
    /** Set once at start-up by the cluster; MetricsPage shows this section only then. */
    public volatile boolean enabled;
    /** 1 while both Redis connections (publisher and subscriber) are up, else 0. */
    public volatile int linkUp;
    public final LongAdder messagesOut = new LongAdder();
    public final LongAdder bytesOut = new LongAdder();
    public final LongAdder messagesIn = new LongAdder();
    public final LongAdder bytesIn = new LongAdder();
    /** Envelopes not sent: the publish queue was full. */
    public final LongAdder dropsQueueFull = new LongAdder();
    /** Envelopes not sent: Redis was unreachable (queued while it went down, or offered while it was down). */
    public final LongAdder dropsLinkDown = new LongAdder();
    /** Envelopes received for a session this node no longer has (its peer closed meanwhile, or a node restarted). */
    public final LongAdder dropsUndeliverable = new LongAdder();
    public final LongAdder reconnects = new LongAdder();
    public final LongAdder nodesLost = new LongAdder();
    /** Peers heard from within the node timeout. */
    public volatile int peers;
    /** Round trips to Redis: publish batches and ownership commands. */
    public final LatencyHistogram redisLatency = new LatencyHistogram();
}
