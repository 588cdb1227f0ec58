package relay.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import relay.config.ClusterConfig;
import relay.metrics.ClusterCounters;

/**
 * Cluster-wide ownership of unique ids (a CarParty server code, a booth id, a signaling client id): which
 * node holds the connection that registered it. Each owned id is a Redis key {@code PREFIX:own:KIND:ID}
 * whose value is the owner's node id, set with a lease ({@code PX leaseMs}) that the owner renews every
 * {@code renewMs}; a node that crashes stops renewing and its ids free themselves within one lease.
 * Claims, renewals and releases are Lua scripts, so "compare, then set/renew/delete" is atomic.
 *
 * <p>Lookups ({@link #owner}) are cached per id and kept fresh by {@link MessageKind#OWNER_CHANGED} on the
 * control channel (every claim, take-over and release announces itself), by node departures and by
 * clearing the cache whenever the link comes back (announcements may have been missed meanwhile). Only
 * registrations and first lookups touch Redis; relayed messages never do.
 *
 * <p>When Redis is unreachable, a claim is decided locally (granted unless a live peer is known to own the
 * id) so that local traffic keeps working; renewal re-asserts it when Redis returns, and if another node
 * took the id meanwhile the local holder is told through {@link LostListener}.
 *
 * <p>Threads: any thread may call the public methods (they block for one Redis round trip at most, on one
 * command connection guarded by a ReentrantLock); renewal runs on its own virtual thread.
 */
public final class ClusterOwnership implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger("relay.Cluster");

    /** Claim or renew: KEYS[1] id key, ARGV[1] node, ARGV[2] lease ms. Returns the owner after the call. */
    static final byte[] CLAIM = ("local v = redis.call('get', KEYS[1]) "
            + "if not v then redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return ARGV[1] end "
            + "if v == ARGV[1] then redis.call('pexpire', KEYS[1], ARGV[2]) end "
            + "return v").getBytes(StandardCharsets.UTF_8);
    /** Take over: set unconditionally, return the previous owner (false if none). */
    static final byte[] TAKE_OVER = ("local v = redis.call('get', KEYS[1]) "
            + "redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) "
            + "return v").getBytes(StandardCharsets.UTF_8);
    /** Release: delete only if still ours. */
    static final byte[] RELEASE = ("if redis.call('get', KEYS[1]) == ARGV[1] then "
            + "return redis.call('del', KEYS[1]) end return 0").getBytes(StandardCharsets.UTF_8);

    /** Told on the bus's subscriber thread or the renewal thread; must not block. */
    public interface LostListener {
        /** {@code id} of {@code kind}, owned by this node, now belongs to {@code newOwner} (null: unknown). */
        void onLost(String id, NodeId newOwner);
    }

    private record Owned(String kind, String id) {}

    private final ClusterConfig config;
    private final NodeId self;
    private final byte[] selfBytes;
    private final byte[] leaseBytes;
    private final RedisLink link;
    private final ClusterBus bus;
    private final ClusterCounters counters;
    private final String keyPrefix;
    private final Map<String, Owned> owned = new ConcurrentHashMap<>();
    private final Map<String, NodeId> ownerCache = new ConcurrentHashMap<>();
    private final Map<String, LostListener> lostListeners = new ConcurrentHashMap<>();
    private final ReentrantLock commandLock = new ReentrantLock();
    private Jedis commands; // guarded by commandLock
    private volatile boolean renewing = true;
    private volatile boolean closed;
    private Thread renewer;

    ClusterOwnership(ClusterConfig config, NodeId self, RedisLink link, ClusterBus bus, ClusterCounters counters) {
        this.config = config;
        this.self = self;
        this.selfBytes = self.toString().getBytes(StandardCharsets.US_ASCII);
        this.leaseBytes = Long.toString(config.leaseMs()).getBytes(StandardCharsets.US_ASCII);
        this.link = link;
        this.bus = bus;
        this.counters = counters;
        this.keyPrefix = config.prefix() + ":own:";
        bus.on(MessageKind.OWNER_CHANGED, this::onOwnerChanged);
        bus.onNodeDown(node -> ownerCache.values().removeIf(node::equals));
        bus.onLinkUp(() -> {
            ownerCache.clear();
            Thread.ofVirtual().name("relay-cluster-reclaim").start(this::renewAll);
        });
    }

    void start() {
        renewer = Thread.ofVirtual().name("relay-cluster-renewer").start(this::runRenewer);
    }

    /** Registers who to tell when an id of {@code kind} that this node owned went to another node. */
    public void onLost(String kind, LostListener listener) {
        lostListeners.put(kind, listener);
    }

    /**
     * Claims {@code id} for this node if no node owns it (or this one already does). Returns whether this
     * node owns it now. One Redis round trip.
     */
    public boolean claim(String kind, String id) {
        String key = key(kind, id);
        if (!bus.isUp()) {
            return claimLocally(kind, id, key);
        }
        try {
            Object owner = command(j -> j.eval(CLAIM, 1, bytes(key), selfBytes, leaseBytes));
            NodeId holder = NodeId.parse(text(owner));
            if (!holder.equals(self)) {
                ownerCache.put(key, holder);
                return false;
            }
            owned.put(key, new Owned(kind, id));
            ownerCache.put(key, self);
            announce(key, self);
            return true;
        } catch (JedisException e) {
            return claimLocally(kind, id, key);
        }
    }

    /**
     * Makes this node the owner of {@code id} whoever held it (newest registration wins) and returns the
     * previous owner if it was another node (which learns of it through OWNER_CHANGED), else null.
     */
    public NodeId takeOver(String kind, String id) {
        String key = key(kind, id);
        owned.put(key, new Owned(kind, id));
        NodeId previous = ownerCache.put(key, self);
        if (bus.isUp()) {
            try {
                Object before = command(j -> j.eval(TAKE_OVER, 1, bytes(key), selfBytes, leaseBytes));
                previous = before instanceof byte[] b ? NodeId.parse(new String(b, StandardCharsets.US_ASCII)) : null;
            } catch (JedisException e) {
                LOG.fine("Take-over of " + key + " decided locally: " + e.getMessage());
            }
        }
        announce(key, self);
        return previous == null || previous.equals(self) ? null : previous;
    }

    /** Gives up {@code id} if this node owns it. */
    public void release(String kind, String id) {
        String key = key(kind, id);
        if (owned.remove(key) == null) {
            return;
        }
        ownerCache.remove(key);
        if (bus.isUp()) {
            try {
                command(j -> j.eval(RELEASE, 1, bytes(key), selfBytes));
            } catch (JedisException e) {
                LOG.fine("Release of " + key + " left to its lease: " + e.getMessage());
            }
        }
        announce(key, null);
    }

    /** Whether this node owns {@code id}; local only. */
    public boolean owns(String kind, String id) {
        return owned.containsKey(key(kind, id));
    }

    /**
     * The node that owns {@code id}, or null if none (or Redis cannot tell). From the cache when it can; a
     * miss costs one Redis round trip.
     */
    public NodeId owner(String kind, String id) {
        String key = key(kind, id);
        NodeId cached = ownerCache.get(key);
        if (cached != null) {
            return cached;
        }
        if (owned.containsKey(key)) {
            return self;
        }
        if (!bus.isUp()) {
            return null;
        }
        try {
            Object value = command(j -> j.get(bytes(key)));
            if (value == null) {
                return null;
            }
            NodeId owner = NodeId.parse(text(value));
            ownerCache.put(key, owner);
            return owner;
        } catch (JedisException e) {
            return null;
        }
    }

    private boolean claimLocally(String kind, String id, String key) {
        NodeId known = ownerCache.get(key);
        if (known != null && !known.equals(self) && bus.isAlive(known)) {
            return false;
        }
        LOG.info("Redis unreachable: " + key + " claimed locally; it is re-asserted when Redis returns");
        owned.put(key, new Owned(kind, id));
        ownerCache.put(key, self);
        return true;
    }

    private void announce(String key, NodeId owner) {
        bus.toAll(MessageKind.OWNER_CHANGED, 0, bytes(key), null, owner == null ? null : bytes(owner.toString()));
    }

    private void onOwnerChanged(Envelope envelope) {
        String key = envelope.keyString();
        NodeId owner = envelope.payload().length == 0 ? null : NodeId.parse(new String(envelope.payload(), StandardCharsets.US_ASCII));
        if (owner == null) {
            ownerCache.remove(key);
            return;
        }
        ownerCache.put(key, owner);
        Owned mine = owned.get(key);
        if (mine != null && !owner.equals(self) && owned.remove(key, mine)) {
            lost(mine, owner);
        }
    }

    private void lost(Owned id, NodeId newOwner) {
        LOG.info("Lost " + id.kind() + " " + id.id() + " to node " + (newOwner == null ? "?" : newOwner.shortName()));
        LostListener listener = lostListeners.get(id.kind());
        if (listener != null) {
            try {
                listener.onLost(id.id(), newOwner);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Ownership listener failed", e);
            }
        }
    }

    // ---- renewal ----

    private void runRenewer() {
        long periodNs = TimeUnit.MILLISECONDS.toNanos(config.renewMs());
        while (!closed) {
            LockSupport.parkNanos(periodNs);
            if (!closed && renewing) {
                renewAll();
            }
        }
    }

    /** Renews every lease this node holds in one pipelined round trip; re-asserts those claimed while Redis was down. */
    void renewAll() {
        if (owned.isEmpty() || !bus.isUp() || !renewing) {
            return;
        }
        List<Map.Entry<String, Owned>> entries = new ArrayList<>(owned.entrySet());
        List<Object> results;
        try {
            results = command(j -> {
                Pipeline pipeline = j.pipelined();
                List<Response<Object>> responses = new ArrayList<>(entries.size());
                for (Map.Entry<String, Owned> e : entries) {
                    responses.add(pipeline.eval(CLAIM, 1, bytes(e.getKey()), selfBytes, leaseBytes));
                }
                pipeline.sync();
                List<Object> values = new ArrayList<>(responses.size());
                for (Response<Object> r : responses) {
                    values.add(r.get());
                }
                return values;
            });
        } catch (JedisException e) {
            LOG.fine("Lease renewal failed: " + e.getMessage());
            return;
        }
        for (int i = 0; i < entries.size(); i++) {
            NodeId holder = NodeId.parse(text(results.get(i)));
            if (!holder.equals(self) && owned.remove(entries.get(i).getKey(), entries.get(i).getValue())) {
                ownerCache.put(entries.get(i).getKey(), holder);
                lost(entries.get(i).getValue(), holder);
            }
        }
    }

    /** Tests: stop renewing, as a crashed node would. */
    void stopRenewing() {
        renewing = false;
    }

    private interface Command<T> {
        T run(Jedis jedis);
    }

    private <T> T command(Command<T> command) {
        commandLock.lock();
        try {
            if (commands == null) {
                commands = link.open();
            }
            long startNs = System.nanoTime();
            T result = command.run(commands);
            counters.redisLatency.recordNs(System.nanoTime() - startNs);
            return result;
        } catch (JedisException e) {
            RedisLink.closeQuietly(commands);
            commands = null;
            throw e;
        } finally {
            commandLock.unlock();
        }
    }

    /** Releases every id this node owns (graceful shutdown), so that others need not wait for the leases. */
    void releaseAll() {
        for (Owned id : List.copyOf(owned.values())) {
            release(id.kind(), id.id());
        }
    }

    private String key(String kind, String id) {
        return keyPrefix + kind + ":" + id;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Object redisValue) {
        if (redisValue instanceof byte[] b) {
            return new String(b, StandardCharsets.US_ASCII);
        }
        return String.valueOf(redisValue);
    }

    @Override
    public void close() {
        closed = true;
        if (renewer != null) {
            LockSupport.unpark(renewer);
        }
        commandLock.lock();
        try {
            RedisLink.closeQuietly(commands);
            commands = null;
        } finally {
            commandLock.unlock();
        }
    }
}
