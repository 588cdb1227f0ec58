package relay.config;

import java.net.URI;

/**
 * How this node joins a cluster of relay nodes over one Redis (docs/cluster.md). Absent (null in
 * {@link RelayConfig}) means a single node that never touches Redis.
 *
 * @param redis {@code redis://[user:password@]host:port[/db]}
 * @param prefix the namespace of every key and channel, so that several clusters (or tests) share one Redis
 * @param leaseMs how long an id claimed by a node stays its own without renewal: the bound on how long a
 *                crashed node's ids stay taken
 * @param renewMs how often a node renews its leases (well under {@code leaseMs})
 * @param heartbeatMs how often a node announces itself on the control channel
 * @param nodeTimeoutMs a peer not heard from for this long is gone: its sessions end, with the protocols'
 *                      disconnect notices
 * @param publishQueueMessages envelopes waiting for the publisher; beyond it they are dropped and counted
 */
public record ClusterConfig(
        URI redis,
        String prefix,
        long leaseMs,
        long renewMs,
        long heartbeatMs,
        long nodeTimeoutMs,
        int publishQueueMessages) {

    public static final String DEFAULT_PREFIX = "relay";
    /** A crashed node's ids are free again within 10 s: shorter than a phone's reconnect loop gives up. */
    public static final long DEFAULT_LEASE_MS = 10_000;
    /** Three renewals per lease: two may fail (a Redis failover, a GC pause) before an id is lost. */
    public static final long DEFAULT_RENEW_MS = 3_000;
    /** One small publish per node per second: cheap, and fine-grained enough for the node timeout. */
    public static final long DEFAULT_HEARTBEAT_MS = 1_000;
    /** As long as a lease: a peer is given up exactly when its ids could be claimed by others. */
    public static final long DEFAULT_NODE_TIMEOUT_MS = DEFAULT_LEASE_MS;
    /** About a second of a busy node's cross-node traffic; bounded so that a dead Redis cannot eat the heap. */
    public static final int DEFAULT_PUBLISH_QUEUE_MESSAGES = 65_536;

    public ClusterConfig {
        if (redis == null || !"redis".equals(redis.getScheme()) || redis.getHost() == null) {
            throw new IllegalArgumentException("--cluster needs redis://host:port, got " + redis);
        }
        if (prefix == null || prefix.isEmpty()) {
            throw new IllegalArgumentException("cluster prefix must not be empty");
        }
        if (renewMs <= 0 || heartbeatMs <= 0 || leaseMs <= renewMs || nodeTimeoutMs <= heartbeatMs) {
            throw new IllegalArgumentException("cluster timings: need 0 < renew < lease and 0 < heartbeat < node timeout");
        }
        if (publishQueueMessages < 2) {
            throw new IllegalArgumentException("cluster publish queue must hold at least 2 messages");
        }
    }

    /** Defaults for everything but the Redis address. */
    public static ClusterConfig of(URI redis) {
        return new ClusterConfig(redis, DEFAULT_PREFIX, DEFAULT_LEASE_MS, DEFAULT_RENEW_MS, DEFAULT_HEARTBEAT_MS,
                DEFAULT_NODE_TIMEOUT_MS, DEFAULT_PUBLISH_QUEUE_MESSAGES);
    }

    /** Parses the {@code --cluster} flag's value. */
    public static ClusterConfig parse(String uri) {
        try {
            return of(URI.create(uri));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--cluster needs redis://host:port: " + e.getMessage());
        }
    }

    public ClusterConfig withPrefix(String newPrefix) {
        return new ClusterConfig(redis, newPrefix, leaseMs, renewMs, heartbeatMs, nodeTimeoutMs, publishQueueMessages);
    }

    /** Shorter timings (tests): lease, renewal, heartbeat and node timeout. */
    public ClusterConfig withTimings(long newLeaseMs, long newRenewMs, long newHeartbeatMs, long newNodeTimeoutMs) {
        return new ClusterConfig(redis, prefix, newLeaseMs, newRenewMs, newHeartbeatMs, newNodeTimeoutMs, publishQueueMessages);
    }

    public ClusterConfig withPublishQueueMessages(int messages) {
        return new ClusterConfig(redis, prefix, leaseMs, renewMs, heartbeatMs, nodeTimeoutMs, messages);
    }
}
