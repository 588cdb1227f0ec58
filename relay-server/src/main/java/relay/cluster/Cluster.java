package relay.cluster;

import java.util.logging.Logger;
import relay.config.ClusterConfig;
import relay.metrics.ClusterCounters;

/**
 * This node's membership in a cluster of relay nodes sharing one Redis (docs/cluster.md): its
 * {@link NodeId}, the {@link ClusterBus} that carries envelopes between nodes and the
 * {@link ClusterOwnership} of unique ids. Built by the composition root when {@code --cluster} is given
 * (protocols receive it, or null when the node runs alone) and closed with the server.
 *
 * <p>Starting never waits for Redis: if it is unreachable the node serves local traffic and keeps trying.
 */
public final class Cluster implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger("relay.Cluster");
    /** How long a graceful close waits for queued envelopes (the goodbye included) to reach Redis. */
    static final long FLUSH_TIMEOUT_MS = 1_000;

    private final ClusterConfig config;
    private final NodeId self;
    private final ClusterBus bus;
    private final ClusterOwnership ownership;
    private final RedisCommands redis;
    private volatile boolean closed;

    private Cluster(ClusterConfig config, ClusterCounters counters) {
        this.config = config;
        this.self = NodeId.random();
        RedisLink link = new RedisLink(config.redis(), "relay-" + self.shortName());
        this.bus = new ClusterBus(config, self, link, counters);
        this.redis = new RedisCommands(link, bus, counters);
        this.ownership = new ClusterOwnership(config, self, redis, bus);
    }

    /** Starts the bus and lease renewal; returns at once (the link comes up in the background). */
    public static Cluster start(ClusterConfig config, ClusterCounters counters) {
        Cluster cluster = new Cluster(config, counters);
        counters.enabled = true;
        cluster.bus.start();
        cluster.ownership.start();
        LOG.info("Cluster node " + cluster.self + " joining via " + config.redis().getHost() + ":"
                + config.redis().getPort() + " (prefix " + config.prefix() + ")");
        return cluster;
    }

    public NodeId self() {
        return self;
    }

    public ClusterBus bus() {
        return bus;
    }

    public ClusterOwnership ownership() {
        return ownership;
    }

    /** Request/response Redis commands, for protocol state shared by every node (e.g. studio tables). */
    public RedisCommands redis() {
        return redis;
    }

    /** A Redis key in this cluster's namespace. */
    public String key(String name) {
        return config.prefix() + ":" + name;
    }

    public ClusterConfig config() {
        return config;
    }

    /** Blocks until the Redis link is up or the timeout passes; returns whether it is up. For tests and tools. */
    public boolean awaitUp(long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (!bus.isUp() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
        return bus.isUp();
    }

    /**
     * Leaves gracefully: releases every owned id, tells the other nodes (they end this node's sessions at
     * once instead of after the node timeout), sends what is queued, then stops.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ownership.releaseAll();
        bus.toAll(MessageKind.NODE_LEAVING, 0, new byte[0], null, null);
        bus.flush(FLUSH_TIMEOUT_MS);
        ownership.close();
        redis.close();
        bus.close();
    }

    /** Tests: stops as a crashed process would, without releasing ids or saying goodbye. */
    public void crash() {
        closed = true;
        ownership.stopRenewing();
        ownership.close();
        redis.close();
        bus.close();
    }
}
