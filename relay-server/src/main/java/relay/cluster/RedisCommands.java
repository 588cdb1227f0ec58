package relay.cluster;

import java.util.function.Function;
import java.util.concurrent.locks.ReentrantLock;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;
import relay.metrics.ClusterCounters;

/**
 * Request/response commands to Redis (ownership scripts, shared protocol state) on one connection, shared by
 * every thread through a ReentrantLock: these are rare (registrations, first lookups, studio updates), so one
 * connection is plenty and the lock never sits on a relayed message's path. Opens the connection lazily and
 * again after a failure; each round trip is recorded in the Redis latency histogram.
 */
public final class RedisCommands implements AutoCloseable {
    private final RedisLink link;
    private final ClusterBus bus;
    private final ClusterCounters counters;
    private final ReentrantLock lock = new ReentrantLock();
    private Jedis jedis; // guarded by lock

    RedisCommands(RedisLink link, ClusterBus bus, ClusterCounters counters) {
        this.link = link;
        this.bus = bus;
        this.counters = counters;
    }

    /**
     * Runs one command (or pipeline) and returns its result; throws a JedisException (a RuntimeException) when
     * Redis cannot be reached, at once if the bus already knows the link is down.
     */
    public <T> T call(Function<Jedis, T> command) {
        if (!bus.isUp()) {
            throw new JedisException("Redis link is down");
        }
        lock.lock();
        try {
            if (jedis == null) {
                jedis = link.open();
            }
            long startNs = System.nanoTime();
            T result = command.apply(jedis);
            counters.redisLatency.recordNs(System.nanoTime() - startNs);
            return result;
        } catch (JedisException e) {
            RedisLink.closeQuietly(jedis);
            jedis = null;
            throw e;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            RedisLink.closeQuietly(jedis);
            jedis = null;
        } finally {
            lock.unlock();
        }
    }
}
