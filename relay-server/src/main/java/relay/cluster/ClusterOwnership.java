package relay.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import relay.config.ClusterConfig;

/**
 * Cluster-wide ownership of unique ids (a CarParty server code, a booth id, a signaling client id): which
 * node holds the connection that registered it. Each owned id is a Redis key {@code PREFIX:own:KIND:ID}
 * whose value is {@code NODE:TOKEN:AT}, set with a lease ({@code PX leaseMs}) that the owner renews every
 * {@code renewMs}; a node that crashes stops renewing and its ids free themselves within one lease.
 * Claims, renewals, take-overs and releases are Lua scripts, so "compare, then set/renew/delete" is atomic.
 * TOKEN is a fencing number from one Redis counter, new at every change of owner: announcements of
 * changes travel from different nodes and may arrive out of order, and the token tells the newer one. AT is
 * the owner's wall-clock time (ms) of its claim or take-over, compared only when Redis returns (below).
 *
 * <p>Lookups ({@link #owner}) are cached per id and kept fresh by {@link MessageKind#OWNER_CHANGED} on the
 * control channel (every claim, take-over and release announces itself), by node departures and by
 * clearing the cache whenever the link comes back (announcements may have been missed meanwhile). Only
 * registrations and first lookups touch Redis; relayed messages never do.
 *
 * <p>When Redis is unreachable, a claim is decided locally (granted unless a live peer is known to own the
 * id), and so is a take-over, so that local traffic keeps working; renewal re-asserts it when Redis returns,
 * and where two nodes hold the id the protocol's rule decides by AT, whichever node re-asserts first: a
 * take-over keeps to "newest wins" (booth, signaling), a claim to "first come" (CarParty: the older claim
 * keeps the id). The loser is told through {@link LostListener}; the winner's claim is announced, and the
 * protocol told through {@link #onReasserted}, since what it announced while Redis was down never arrived.
 *
 * <p>Threads: any thread may call the public methods (they block for one Redis round trip at most, through
 * {@link RedisCommands}); renewal runs on its own virtual thread.
 */
public final class ClusterOwnership implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger("relay.Cluster");

    /**
     * Claim, renew or re-assert: KEYS[1] id key, KEYS[2] token counter; ARGV[1] node, ARGV[2] lease ms, ARGV[3]
     * token held (0: none), ARGV[4] AT, ARGV[5] the rule against another holder: {@code 0} it keeps the id
     * (claims, renewals); {@code n} newest wins, {@code o} oldest wins (re-asserting a take-over or a claim
     * made while Redis was unreachable: the value written is marked {@code :r}); {@code c} (renewing a claim)
     * oldest wins against a marked value only, i.e. one re-asserted by a node that claimed the id during an
     * outage, never against a claim made since this node's lease ran out. Renews if the node holds it, sets it
     * if nobody does or the rule says so (with a new token); returns the value. A token held from before is
     * written back as is, and the counter is kept ahead of it: a Redis that lost its data restarts the counter,
     * and tokens must keep growing.
     */
    static final byte[] CLAIM = ("local v = redis.call('get', KEYS[1]) "
            + "if v and string.sub(v, 1, 32) == ARGV[1] then redis.call('pexpire', KEYS[1], ARGV[2]) return v end "
            + "local rule = ARGV[5] "
            + "if v then "
            + "  local at = tonumber(string.match(v, '^[^:]+:%d+:(%d+)') or '0') "
            + "  local mine = tonumber(ARGV[4]) "
            + "  if not ((rule == 'n' and at < mine) or (rule == 'o' and at > mine) "
            + "      or (rule == 'c' and string.sub(v, -2) == ':r' and at > mine)) then return v end "
            + "end "
            + "local t = ARGV[3] "
            + "if v or t == '0' then t = tostring(redis.call('incr', KEYS[2])) "
            + "elseif tonumber(redis.call('get', KEYS[2]) or '0') < tonumber(t) then redis.call('set', KEYS[2], t) end "
            + "v = ARGV[1] .. ':' .. t .. ':' .. ARGV[4] "
            + "if rule == 'n' or rule == 'o' then v = v .. ':r' end "
            + "redis.call('set', KEYS[1], v, 'PX', ARGV[2]) "
            + "return v").getBytes(StandardCharsets.UTF_8);
    /** Take over (ARGV[3] AT): set with a new token whoever held it; returns {previous or false, new value}. */
    static final byte[] TAKE_OVER = ("local v = redis.call('get', KEYS[1]) "
            + "local n = ARGV[1] .. ':' .. redis.call('incr', KEYS[2]) .. ':' .. ARGV[3] "
            + "redis.call('set', KEYS[1], n, 'PX', ARGV[2]) "
            + "return {v, n}").getBytes(StandardCharsets.UTF_8);
    /** Release (ARGV[1] NODE:TOKEN): delete only if it is still that claim (a token is never reused). */
    static final byte[] RELEASE = ("local v = redis.call('get', KEYS[1]) "
            + "if v and string.sub(v, 1, #ARGV[1] + 1) == ARGV[1] .. ':' then "
            + "return redis.call('del', KEYS[1]) end return 0").getBytes(StandardCharsets.UTF_8);

    /** Told on the bus's subscriber thread or the renewal thread; must not block. */
    public interface LostListener {
        /** {@code id} of {@code kind}, owned by this node, now belongs to {@code newOwner} (null: unknown). */
        void onLost(String id, NodeId newOwner);
    }

    /** An owner as stored: the node and the fencing token of its claim (0: claimed locally, not yet in Redis). */
    record Owner(NodeId node, long token) {
        /** {@code NODE:TOKEN} (as announced) or {@code NODE:TOKEN:AT[:r]} (as stored). */
        static Owner parse(String value) {
            int colon = value.indexOf(':');
            int end = value.indexOf(':', colon + 1);
            return new Owner(NodeId.parse(value.substring(0, colon)),
                    Long.parseLong(value.substring(colon + 1, end < 0 ? value.length() : end)));
        }

        String value() {
            return node + ":" + token;
        }
    }

    /**
     * An id this node owns: {@code token} 0 until Redis has it; {@code atMs} the wall-clock time of the claim or
     * take-over, which decides between two nodes' registrations when one was made while Redis was unreachable.
     */
    private record Owned(String kind, String id, long token, long atMs, boolean takenOver) {
        Owned withToken(long newToken) {
            return new Owned(kind, id, newToken, atMs, takenOver);
        }

        /** The rule of {@link #CLAIM} when renewing or re-asserting. */
        byte[] rule() {
            if (token == 0) { // decided while Redis was unreachable
                return takenOver ? NEWEST_WINS : OLDEST_WINS;
            }
            return takenOver ? KEEP : OLDEST_WINS_OVER_REASSERTED;
        }
    }

    private static final byte[] KEEP = {'0'};
    private static final byte[] NEWEST_WINS = {'n'};
    private static final byte[] OLDEST_WINS = {'o'};
    private static final byte[] OLDEST_WINS_OVER_REASSERTED = {'c'};

    private final ClusterConfig config;
    private final NodeId self;
    private final byte[] selfBytes;
    private final byte[] leaseBytes;
    private final byte[] tokenCounter;
    private final ClusterBus bus;
    private final RedisCommands redis;
    private final String keyPrefix;
    private final Map<String, Owned> owned = new ConcurrentHashMap<>();
    private final Map<String, Owner> ownerCache = new ConcurrentHashMap<>();
    private final Map<String, LostListener> lostListeners = new ConcurrentHashMap<>();
    private final Map<String, Consumer<String>> reassertedListeners = new ConcurrentHashMap<>();
    private volatile boolean renewing = true;
    private volatile boolean closed;
    private Thread renewer;

    ClusterOwnership(ClusterConfig config, NodeId self, RedisCommands redis, ClusterBus bus) {
        this.config = config;
        this.self = self;
        this.selfBytes = self.toString().getBytes(StandardCharsets.US_ASCII);
        this.leaseBytes = Long.toString(config.leaseMs()).getBytes(StandardCharsets.US_ASCII);
        this.redis = redis;
        this.bus = bus;
        this.keyPrefix = config.prefix() + ":own:";
        this.tokenCounter = Wtf8.encode(config.prefix() + ":own-token");
        bus.on(MessageKind.OWNER_CHANGED, this::onOwnerChanged);
        bus.onNodeDown(node -> ownerCache.values().removeIf(o -> o.node().equals(node)));
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
     * Registers who to tell (with the id) when an id of {@code kind} that this node took while Redis was
     * unreachable is now its own in Redis too: what the protocol announced meanwhile was lost, and other
     * nodes may wait for it. Told on the renewal thread (or the one re-asserting after the link's return).
     */
    public void onReasserted(String kind, Consumer<String> listener) {
        reassertedListeners.put(kind, listener);
    }

    /**
     * Claims {@code id} for this node if no node owns it (or this one already does). Returns whether this
     * node owns it now. One Redis round trip.
     */
    public boolean claim(String kind, String id) {
        String key = key(kind, id);
        Owned held = owned.get(key);
        long atMs = held == null ? System.currentTimeMillis() : held.atMs();
        try {
            Owner holder = Owner.parse(text(redis.call(j -> j.eval(CLAIM, 2, Wtf8.encode(key), tokenCounter, selfBytes,
                    leaseBytes, Wtf8.encode(held == null ? "0" : Long.toString(held.token())),
                    Wtf8.encode(Long.toString(atMs)), KEEP))));
            ownerCache.put(key, holder);
            if (!holder.node().equals(self)) {
                return false;
            }
            owned.put(key, new Owned(kind, id, holder.token(), atMs, false));
            announce(key, holder.value());
            return true;
        } catch (JedisException e) {
            return claimLocally(kind, id, key, atMs);
        }
    }

    /**
     * Makes this node the owner of {@code id} whoever held it (newest registration wins) and returns the
     * previous owner if it was another node (which learns of it through OWNER_CHANGED), else null.
     */
    public NodeId takeOver(String kind, String id) {
        String key = key(kind, id);
        Owner cached = ownerCache.get(key);
        NodeId previous = cached == null ? null : cached.node();
        long atMs = System.currentTimeMillis();
        try {
            List<?> result = (List<?>) redis.call(j -> j.eval(TAKE_OVER, 2, Wtf8.encode(key), tokenCounter, selfBytes, leaseBytes,
                    Wtf8.encode(Long.toString(atMs))));
            previous = result.get(0) instanceof byte[] b ? Owner.parse(new String(b, StandardCharsets.US_ASCII)).node() : null;
            Owner now = Owner.parse(text(result.get(1)));
            owned.put(key, new Owned(kind, id, now.token(), atMs, true));
            ownerCache.put(key, now);
            announce(key, now.value());
        } catch (JedisException e) {
            LOG.fine("Take-over of " + key + " decided locally: " + e.getMessage());
            owned.put(key, new Owned(kind, id, 0, atMs, true));
            ownerCache.put(key, new Owner(self, 0));
        }
        return previous == null || previous.equals(self) ? null : previous;
    }

    /** Gives up {@code id} if this node owns it. */
    public void release(String kind, String id) {
        String key = key(kind, id);
        Owned mine = owned.remove(key);
        if (mine == null) {
            return;
        }
        ownerCache.remove(key);
        String value = self + ":" + mine.token();
        try {
            redis.call(j -> j.eval(RELEASE, 1, Wtf8.encode(key), Wtf8.encode(value)));
        } catch (JedisException e) {
            LOG.fine("Release of " + key + " left to its lease: " + e.getMessage());
        }
        announce(key, "-:" + mine.token());
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
        if (owned.containsKey(key)) {
            return self;
        }
        Owner cached = ownerCache.get(key);
        if (cached != null) {
            return cached.node();
        }
        try {
            Object value = redis.call(j -> j.get(Wtf8.encode(key)));
            if (value == null) {
                return null;
            }
            Owner owner = Owner.parse(text(value));
            ownerCache.merge(key, owner, (old, fresh) -> fresh.token() >= old.token() ? fresh : old);
            return ownerCache.get(key).node();
        } catch (JedisException e) {
            return null;
        }
    }

    private boolean claimLocally(String kind, String id, String key, long atMs) {
        Owner known = ownerCache.get(key);
        if (known != null && !known.node().equals(self) && bus.isAlive(known.node())) {
            return false;
        }
        LOG.info("Redis unreachable: " + key + " claimed locally; it is re-asserted when Redis returns");
        Owned held = owned.get(key);
        owned.put(key, new Owned(kind, id, held == null ? 0 : held.token(), atMs, false));
        return true;
    }

    /** Payload: {@code NODE:TOKEN} for a new owner, {@code -:TOKEN} for the release of that token's claim. */
    private void announce(String key, String value) {
        bus.toAll(MessageKind.OWNER_CHANGED, 0, Wtf8.encode(key), null, Wtf8.encode(value));
    }

    private void onOwnerChanged(Envelope envelope) {
        String key = envelope.keyString();
        String value = new String(envelope.payload(), StandardCharsets.US_ASCII);
        if (value.startsWith("-:")) {
            long released = Long.parseLong(value.substring(2));
            ownerCache.computeIfPresent(key, (k, o) -> o.token() <= released ? null : o);
            return;
        }
        Owner owner = Owner.parse(value);
        Owner now = ownerCache.merge(key, owner, (old, fresh) -> fresh.token() >= old.token() ? fresh : old);
        Owned mine = owned.get(key);
        if (mine != null && now == owner && !owner.node().equals(self) && owner.token() > mine.token()
                && owned.remove(key, mine)) {
            lost(mine, owner.node());
        }
    }

    private void reasserted(Owned id) {
        Consumer<String> listener = reassertedListeners.get(id.kind());
        if (listener != null) {
            try {
                listener.accept(id.id());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Ownership listener failed", e);
            }
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
        if (owned.isEmpty() || !renewing) {
            return;
        }
        List<Map.Entry<String, Owned>> entries = new ArrayList<>(owned.entrySet());
        List<Object> results;
        try {
            results = redis.call(j -> {
                Pipeline pipeline = j.pipelined();
                List<Response<Object>> responses = new ArrayList<>(entries.size());
                for (Map.Entry<String, Owned> e : entries) {
                    Owned mine = e.getValue();
                    responses.add(pipeline.eval(CLAIM, 2, Wtf8.encode(e.getKey()), tokenCounter, selfBytes, leaseBytes,
                            Wtf8.encode(Long.toString(mine.token())), Wtf8.encode(Long.toString(mine.atMs())),
                            mine.rule()));
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
            String key = entries.get(i).getKey();
            Owned mine = entries.get(i).getValue();
            Owner holder = Owner.parse(text(results.get(i)));
            if (holder.node().equals(self)) {
                if (holder.token() != mine.token() && owned.replace(key, mine, mine.withToken(holder.token()))) {
                    ownerCache.put(key, holder);
                    announce(key, holder.value()); // a claim made while Redis was down, now registered
                    if (mine.token() == 0) {
                        reasserted(mine);
                    }
                }
            } else if (owned.remove(key, mine)) {
                ownerCache.put(key, holder);
                lost(mine, holder.node());
            }
        }
    }

    /** Tests: stop renewing, as a crashed node would. */
    void stopRenewing() {
        renewing = false;
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


    private static String text(Object redisValue) {
        if (redisValue instanceof byte[] b) {
            return Wtf8.decode(b);
        }
        return String.valueOf(redisValue);
    }

    @Override
    public void close() {
        closed = true;
        if (renewer != null) {
            LockSupport.unpark(renewer);
        }
    }
}
