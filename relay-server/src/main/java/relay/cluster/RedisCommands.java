package relay.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;
import relay.metrics.ClusterCounters;

/**
 * Request/response commands to Redis (ownership scripts, shared protocol state) on a small pool of
 * connections, each used by one thread at a time. These are registrations, first lookups and studio
 * updates, never a relayed message; the pool lets a storm of registrations (hundreds of signaling peers
 * joining at once) overlap their round trips instead of queueing behind one connection. Connections open
 * lazily, are dropped after a failure, and each round trip is recorded in the Redis latency histogram.
 * Waiting for a free connection parks a virtual thread (a Semaphore), never a carrier.
 */
public final class RedisCommands implements AutoCloseable {
    /** Enough to overlap a registration storm's round trips; few enough to be nothing for Redis. */
    static final int DEFAULT_CONNECTIONS = 8;

    private final RedisLink link;
    private final ClusterBus bus;
    private final ClusterCounters counters;
    private final Semaphore permits;
    /** Idle open connections; a permit holder takes one or opens a new one. */
    private final LinkedBlockingDeque<Jedis> idle = new LinkedBlockingDeque<>();
    private volatile boolean closed;

    RedisCommands(RedisLink link, ClusterBus bus, ClusterCounters counters) {
        this(link, bus, counters, DEFAULT_CONNECTIONS);
    }

    RedisCommands(RedisLink link, ClusterBus bus, ClusterCounters counters, int connections) {
        this.link = link;
        this.bus = bus;
        this.counters = counters;
        this.permits = new Semaphore(connections);
        // Connections opened before an outage point at a Redis that may have restarted: the first command
        // after the link returns would fail on one. They go as soon as the bus is up again.
        bus.onLinkUp(this::dropIdle);
    }

    private void dropIdle() {
        List<Jedis> stale = new ArrayList<>();
        idle.drainTo(stale);
        stale.forEach(RedisLink::closeQuietly);
    }

    /**
     * Runs one command (or pipeline) and returns its result; throws a JedisException (a RuntimeException) when
     * Redis cannot be reached, at once if the bus already knows the link is down.
     */
    public <T> T call(Function<Jedis, T> command) {
        if (!bus.isUp() || closed) {
            throw new JedisException("Redis link is down");
        }
        permits.acquireUninterruptibly();
        Jedis jedis = idle.pollFirst();
        try {
            if (jedis == null) {
                jedis = link.open();
            }
            long startNs = System.nanoTime();
            T result = command.apply(jedis);
            counters.redisLatency.recordNs(System.nanoTime() - startNs);
            idle.offerFirst(jedis);
            jedis = null;
            return result;
        } finally {
            RedisLink.closeQuietly(jedis); // only after a failure: a broken connection is not reused
            permits.release();
        }
    }

    @Override
    public void close() {
        closed = true;
        dropIdle();
    }
}
