package relay.cluster;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jctools.queues.MpscArrayQueue;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisException;
import relay.config.ClusterConfig;
import relay.metrics.ClusterCounters;

/**
 * Moves {@link Envelope}s between relay nodes over Redis pub/sub, and knows which nodes are alive.
 *
 * <p>Channels: {@code PREFIX:ctl} (every node: heartbeats, ownership changes), {@code PREFIX:n:NODE} (one
 * per node: messages addressed to it) and {@code PREFIX:t:TOPIC} (one per topic, e.g. a broadcast room,
 * subscribed by the nodes that have members in it). Redis delivers the messages of one publishing
 * connection to one subscribing connection in order, and each node has exactly one of each, so the order
 * in which a node publishes is the order in which every other node receives, whatever the channel: that
 * is what keeps per-sender order across nodes.
 *
 * <p>Threads: any thread may publish ({@code toNode}, {@code toTopic}, {@code toAll}); the envelope is
 * encoded on the caller's thread and offered to a bounded JCTools MPSC queue, which never blocks: a full
 * queue, or a Redis that is down, drops the envelope and counts it (logged at most every few seconds), so
 * a connection's reader never waits on Redis and local delivery never stalls. One publisher virtual thread
 * drains the queue into pipelined PUBLISHes; one subscriber virtual thread reads the subscription and
 * calls the {@link Handler}s (they must not block: they queue frames on local connections); one keeper
 * virtual thread sends heartbeats, watches the link and declares silent peers gone. Each thread
 * reconnects with exponential backoff on its own.
 */
public final class ClusterBus implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger("relay.Cluster");
    /** Envelopes per pipelined round trip: large enough to amortise it, small enough to keep latency flat. */
    static final int MAX_BATCH = 256;
    static final long MIN_BACKOFF_MS = 50;
    static final long MAX_BACKOFF_MS = 2_000;
    /** Drop warnings are logged at most this often (with the counts since the last one). */
    static final long DROP_LOG_INTERVAL_NS = TimeUnit.SECONDS.toNanos(5);
    private static final long PARK_NS = TimeUnit.MILLISECONDS.toNanos(50);
    /** A SUBSCRIBE is confirmed in one round trip; this bounds the wait if Redis is slow or going down. */
    static final long JOIN_WAIT_MS = 500;
    private static final long JOIN_POLL_NS = TimeUnit.MICROSECONDS.toNanos(50);

    /** Receives the envelopes of one kind, on the subscriber thread; must not block. */
    public interface Handler {
        void onEnvelope(Envelope envelope);
    }

    private record Outgoing(byte[] channel, byte[] message, boolean counted) {}

    /**
     * A topic and its Redis channel, encoded once: a protocol keeps the handle {@link #join} returns (e.g.
     * with its broadcast group) and publishes with it, so a publish does not encode the name again. The
     * bus keeps a held topic while this node has local holders and forgets it with the last one.
     */
    public static final class Topic {
        private final String channelName;
        private final byte[] channel;
        private int holders; // guarded by subscriptions

        private Topic(String channelName) {
            this.channelName = channelName;
            this.channel = Wtf8.encode(channelName);
        }
    }

    private final ClusterConfig config;
    private final NodeId self;
    private final RedisLink link;
    private final ClusterCounters counters;
    private final String channelPrefix;
    private final byte[] controlChannel;
    private final byte[] selfChannel;
    private final Map<NodeId, byte[]> nodeChannels = new ConcurrentHashMap<>();
    private final MpscArrayQueue<Outgoing> queue;
    private final AtomicLong sequence = new AtomicLong();
    /** By kind code; registered at start-up while the subscriber may already run, hence atomic. */
    private final java.util.concurrent.atomic.AtomicReferenceArray<Handler> handlers =
            new java.util.concurrent.atomic.AtomicReferenceArray<>(256);
    private final List<Consumer<NodeId>> nodeDownListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<NodeId>> nodeUpListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> linkUpListeners = new CopyOnWriteArrayList<>();
    /** Peer node -> System.nanoTime() it was last heard from. */
    private final Map<NodeId, Long> peers = new ConcurrentHashMap<>();

    private final ReentrantLock subscriptions = new ReentrantLock();
    /** The topics this node holds, by name; changed under {@code subscriptions}, read without it. */
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    /** The live subscription, null while (re)connecting; guarded by {@code subscriptions}. */
    private Subscriber active;
    /** Channels Redis has confirmed for the live subscription (tests and diagnostics). */
    private final Set<String> confirmed = ConcurrentHashMap.newKeySet();

    private final ReentrantLock linkState = new ReentrantLock();
    private volatile boolean publisherUp;
    private volatile boolean subscriberUp;
    private boolean linkUp; // guarded by linkState
    private boolean everUp; // guarded by linkState
    /** When the subscription last delivered anything (our own heartbeats arrive at least every period). */
    private volatile long lastReceiveNs;
    private volatile Jedis subscriberJedis;
    private volatile Thread publisher;
    private volatile boolean publisherParked;
    /** Set when the subscription broke: the publisher's connection is probably just as dead. */
    private volatile boolean publisherReset;
    private volatile boolean closed;
    private final AtomicLong lastDropLogNs = new AtomicLong(System.nanoTime() - DROP_LOG_INTERVAL_NS);
    private long droppedAtLastLog; // only the thread that wins lastDropLogNs touches it
    private Thread subscriber;
    private Thread keeper;

    ClusterBus(ClusterConfig config, NodeId self, RedisLink link, ClusterCounters counters) {
        this.config = config;
        this.self = self;
        this.link = link;
        this.counters = counters;
        this.channelPrefix = config.prefix() + ":";
        this.controlChannel = Wtf8.encode(channelPrefix + "ctl");
        this.selfChannel = nodeChannel(self);
        this.queue = new MpscArrayQueue<>(config.publishQueueMessages());
    }

    void start() {
        publisher = Thread.ofVirtual().name("relay-cluster-publisher").start(this::runPublisher);
        subscriber = Thread.ofVirtual().name("relay-cluster-subscriber").start(this::runSubscriber);
        keeper = Thread.ofVirtual().name("relay-cluster-keeper").start(this::runKeeper);
    }

    public NodeId self() {
        return self;
    }

    /** Whether both Redis connections are up (cross-node traffic flows). */
    public boolean isUp() {
        return publisherUp && subscriberUp;
    }

    /** Peers heard from within the node timeout (this node excluded). */
    public Set<NodeId> peers() {
        return Set.copyOf(peers.keySet());
    }

    public boolean isAlive(NodeId node) {
        return self.equals(node) || peers.containsKey(node);
    }

    /** Registers the handler of one kind; call before traffic can arrive (at start-up). */
    public void on(MessageKind kind, Handler handler) {
        handlers.set(kind.code, handler);
    }

    /** Called (keeper or subscriber thread) when a peer left or went silent for the node timeout. */
    public void onNodeDown(Consumer<NodeId> listener) {
        nodeDownListeners.add(listener);
    }

    /** Called (publisher or subscriber thread) whenever the link comes up: the first time and after each failure. */
    /**
     * Registers who to tell (on the subscriber thread) when a node is heard for the first time, or again after it
     * was given up. Its publisher is up then; its subscription may not be yet.
     */
    public void onNodeUp(Consumer<NodeId> listener) {
        nodeUpListeners.add(listener);
    }

    public void onLinkUp(Runnable listener) {
        linkUpListeners.add(listener);
    }

    // ---- publishing: any thread, never blocks ----

    public boolean toNode(NodeId node, MessageKind kind, long connection, byte[] key, byte[] sub, byte[] payload) {
        return offer(nodeChannel(node), kind, connection, key, sub, payload, true);
    }

    /** To every node that holds {@code topic} (this node's own holders are the caller's to serve). */
    public boolean toTopic(Topic topic, MessageKind kind, long connection, byte[] key, byte[] sub, byte[] payload) {
        return offer(topic.channel, kind, connection, key, sub, payload, true);
    }

    /** The topic of this name: the handle this node holds, if it does, else a new one (to publish without holding). */
    public Topic topic(String name) {
        Topic held = topics.get(name);
        return held != null ? held : new Topic(channelPrefix + "t:" + name);
    }

    /** To every node's control channel (this node's subscriber skips its own envelopes). */
    public boolean toAll(MessageKind kind, long connection, byte[] key, byte[] sub, byte[] payload) {
        return offer(controlChannel, kind, connection, key, sub, payload, kind != MessageKind.HEARTBEAT);
    }

    private boolean offer(byte[] channel, MessageKind kind, long connection, byte[] key, byte[] sub, byte[] payload,
                          boolean counted) {
        if (!isUp() || closed) {
            counters.dropsLinkDown.increment();
            logDrops();
            return false;
        }
        byte[] message = Envelope.encode(kind, self, sequence.incrementAndGet(), connection, key, sub, payload);
        if (!queue.offer(new Outgoing(channel, message, counted))) {
            counters.dropsQueueFull.increment();
            logDrops();
            return false;
        }
        if (publisherParked) {
            LockSupport.unpark(publisher);
        }
        return true;
    }

    /**
     * Joins a topic (reference-counted): this node receives what any node publishes to it. Returns the held
     * topic, to publish with, once Redis has confirmed the subscription (one round trip, for the node's first
     * holder only; at most {@link #JOIN_WAIT_MS}, and at once while the link is down), so that a member who
     * has joined hears everything other nodes send from then on, as it would from its own node.
     */
    public Topic join(String name) {
        Topic topic;
        subscriptions.lock();
        try {
            topic = topics.get(name);
            if (topic == null) {
                topic = new Topic(channelPrefix + "t:" + name);
                topics.put(name, topic);
                if (active != null) {
                    active.subscribeQuietly(topic.channel);
                }
            }
            topic.holders++;
        } finally {
            subscriptions.unlock();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JOIN_WAIT_MS);
        while (!confirmed.contains(topic.channelName) && isUp() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(JOIN_POLL_NS);
        }
        return topic;
    }

    /** Whether Redis has confirmed this node's subscription to {@code topic} (a joined topic is live from then on). */
    public boolean isSubscribed(String topic) {
        return confirmed.contains(channelPrefix + "t:" + topic);
    }

    /** Whether this node holds {@code topic} (joined and not yet left), whatever Redis has confirmed so far. */
    public boolean holds(String topic) {
        return topics.containsKey(topic);
    }

    /** Counts an envelope that arrived for something this node no longer has (a member, a client that left). */
    public void countUndeliverable() {
        counters.dropsUndeliverable.increment();
    }

    /** Leaves a topic joined with {@link #join}; the last local holder unsubscribes the node and drops the topic. */
    public void leave(String name) {
        subscriptions.lock();
        try {
            Topic topic = topics.get(name);
            if (topic == null) {
                return;
            }
            if (--topic.holders == 0) {
                topics.remove(name);
                if (active != null) {
                    active.unsubscribeQuietly(topic.channel);
                }
            }
        } finally {
            subscriptions.unlock();
        }
    }

    // ---- publisher thread ----

    private void runPublisher() {
        Outgoing[] batch = new Outgoing[MAX_BATCH];
        Jedis jedis = null;
        long backoffMs = MIN_BACKOFF_MS;
        while (!closed) {
            if (publisherReset) {
                publisherReset = false;
                RedisLink.closeQuietly(jedis);
                jedis = null;
                publisherUp = false;
                linkChanged();
            }
            if (jedis == null) {
                try {
                    jedis = link.open();
                    backoffMs = MIN_BACKOFF_MS;
                    publisherUp = true;
                    linkChanged();
                } catch (JedisException e) {
                    if (backoffMs == MIN_BACKOFF_MS && !closed) {
                        LOG.warning("Cannot reach Redis at " + link.address() + " (" + e.getMessage()
                                + "); serving local traffic, retrying every " + MAX_BACKOFF_MS + " ms at most");
                    }
                    publisherUp = false;
                    linkChanged();
                    dropQueued();
                    backoffMs = pause(backoffMs);
                    continue;
                }
            }
            int n = 0;
            Outgoing next;
            while (n < MAX_BATCH && (next = queue.relaxedPoll()) != null) {
                batch[n++] = next;
            }
            if (n == 0) {
                publisherParked = true;
                if (queue.isEmpty() && !closed) {
                    LockSupport.parkNanos(PARK_NS);
                }
                publisherParked = false;
                continue;
            }
            try {
                publish(jedis, batch, n);
            } catch (JedisException e) {
                RedisLink.closeQuietly(jedis);
                jedis = null;
                try {
                    // one immediate retry on a fresh connection: the old one may merely have gone stale
                    jedis = link.open();
                    publish(jedis, batch, n);
                } catch (JedisException again) {
                    counters.dropsLinkDown.add(n);
                    if (!closed) {
                        LOG.warning("Redis publish failed (" + again.getMessage() + "); " + n + " envelopes dropped, reconnecting");
                    }
                    RedisLink.closeQuietly(jedis);
                    jedis = null;
                    publisherUp = false;
                    linkChanged();
                    dropQueued();
                }
            }
            java.util.Arrays.fill(batch, 0, n, null);
        }
        RedisLink.closeQuietly(jedis);
    }

    private void publish(Jedis jedis, Outgoing[] batch, int n) {
        long startNs = System.nanoTime();
        if (n == 1) {
            jedis.publish(batch[0].channel(), batch[0].message());
        } else {
            Pipeline pipeline = jedis.pipelined();
            for (int i = 0; i < n; i++) {
                pipeline.publish(batch[i].channel(), batch[i].message());
            }
            pipeline.sync();
        }
        counters.redisLatency.recordNs(System.nanoTime() - startNs);
        for (int i = 0; i < n; i++) {
            if (batch[i].counted()) {
                counters.messagesOut.increment();
                counters.bytesOut.add(batch[i].message().length);
            }
        }
    }

    /** While Redis is down nothing queued can be delivered in order: drop it all and count it. */
    private void dropQueued() {
        int dropped = queue.drain(o -> { });
        if (dropped > 0) {
            counters.dropsLinkDown.add(dropped);
            logDrops();
        }
    }

    /** Waits for the publisher to send everything queued so far (bounded); for a graceful shutdown. */
    void flush(long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!queue.isEmpty() && publisherUp && System.nanoTime() < deadline) {
            LockSupport.unpark(publisher);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    // ---- subscriber thread ----

    private final class Subscriber extends BinaryJedisPubSub {
        private boolean started;

        @Override
        public void onSubscribe(byte[] channel, int subscribedChannels) {
            confirmed.add(Wtf8.decode(channel));
            if (started) {
                return;
            }
            started = true;
            subscriptions.lock();
            try {
                active = this;
                if (!topics.isEmpty()) {
                    byte[][] channels = new byte[topics.size()][];
                    int i = 0;
                    for (Topic topic : topics.values()) {
                        channels[i++] = topic.channel;
                    }
                    subscribe(channels);
                }
            } finally {
                subscriptions.unlock();
            }
            lastReceiveNs = System.nanoTime();
            subscriberUp = true;
            linkChanged();
        }

        @Override
        public void onUnsubscribe(byte[] channel, int subscribedChannels) {
            confirmed.remove(Wtf8.decode(channel));
        }

        @Override
        public void onMessage(byte[] channel, byte[] message) {
            lastReceiveNs = System.nanoTime();
            dispatch(message);
        }

        void subscribeQuietly(byte[] channel) {
            try {
                subscribe(channel);
            } catch (JedisException e) {
                // the subscription is breaking; the reconnect subscribes every topic again
            }
        }

        void unsubscribeQuietly(byte[] channel) {
            try {
                unsubscribe(channel);
            } catch (JedisException e) {
                // as above
            }
        }
    }

    private void runSubscriber() {
        long backoffMs = MIN_BACKOFF_MS;
        while (!closed) {
            Jedis jedis;
            try {
                jedis = link.open();
            } catch (JedisException e) {
                backoffMs = pause(backoffMs);
                continue;
            }
            subscriberJedis = jedis;
            long subscribedAtNs = System.nanoTime();
            try {
                jedis.subscribe(new Subscriber(), controlChannel, selfChannel);
            } catch (JedisException e) {
                if (!closed) {
                    LOG.log(Level.FINE, "Redis subscription ended", e);
                }
            } finally {
                subscriptions.lock();
                try {
                    active = null;
                    confirmed.clear();
                } finally {
                    subscriptions.unlock();
                }
                subscriberUp = false;
                subscriberJedis = null;
                RedisLink.closeQuietly(jedis);
                linkChanged();
                if (!closed) {
                    publisherReset = true;
                    LockSupport.unpark(publisher);
                }
            }
            if (System.nanoTime() - subscribedAtNs > TimeUnit.SECONDS.toNanos(1)) {
                backoffMs = MIN_BACKOFF_MS;
            }
            if (!closed) {
                backoffMs = pause(backoffMs);
            }
        }
    }

    private void dispatch(byte[] message) {
        Envelope envelope;
        try {
            envelope = Envelope.decode(message);
        } catch (IllegalArgumentException e) {
            LOG.fine("Ignoring a malformed cluster message: " + e.getMessage());
            return;
        }
        if (envelope.origin().equals(self)) {
            return; // our own topic and control traffic (heartbeats included), already delivered locally
        }
        MessageKind kind = envelope.kind();
        if (kind == MessageKind.HEARTBEAT) {
            peerSeen(envelope.origin());
            return;
        }
        counters.messagesIn.increment();
        counters.bytesIn.add(message.length);
        if (kind == null) {
            return; // a newer node's kind
        }
        if (kind == MessageKind.NODE_LEAVING) {
            peerGone(envelope.origin(), "left the cluster");
            return;
        }
        Handler handler = handlers.get(kind.code);
        if (handler == null) {
            counters.dropsUndeliverable.increment();
            return;
        }
        try {
            handler.onEnvelope(envelope);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Cluster handler for " + kind + " failed", e);
        }
    }

    // ---- liveness ----

    private void peerSeen(NodeId node) {
        if (peers.put(node, System.nanoTime()) == null) {
            counters.peers = peers.size();
            LOG.info("Cluster node " + node.shortName() + " is up (" + (peers.size() + 1) + " nodes)");
            for (Consumer<NodeId> listener : nodeUpListeners) {
                try {
                    listener.accept(node);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Node-up listener failed", e);
                }
            }
        }
    }

    private void peerGone(NodeId node, String why) {
        if (peers.remove(node) == null) {
            return;
        }
        counters.peers = peers.size();
        counters.nodesLost.increment();
        nodeChannels.remove(node); // a restarted process is a new node; don't keep every old one's name
        LOG.warning("Cluster node " + node.shortName() + " " + why + "; ending its sessions");
        for (Consumer<NodeId> listener : nodeDownListeners) {
            try {
                listener.accept(node);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Node-down listener failed", e);
            }
        }
    }

    private void runKeeper() {
        long periodNs = TimeUnit.MILLISECONDS.toNanos(config.heartbeatMs());
        long nodeTimeoutNs = TimeUnit.MILLISECONDS.toNanos(config.nodeTimeoutMs());
        // nothing at all for this long, not even our own heartbeats: the subscription is dead without knowing it.
        // Generous, because a reconnect loses what is in flight, and a busy or starved subscriber is not a dead one.
        long staleNs = Math.max(3 * periodNs, nodeTimeoutNs / 2);
        while (!closed) {
            if (publisherUp) {
                toAll(MessageKind.HEARTBEAT, 0, new byte[0], null, null);
            }
            long now = System.nanoTime();
            Jedis subscription = subscriberJedis;
            if (subscriberUp && publisherUp && subscription != null && now - lastReceiveNs > staleNs) {
                LOG.warning("Redis subscription is silent; reconnecting");
                RedisLink.closeQuietly(subscription);
            }
            for (Map.Entry<NodeId, Long> peer : peers.entrySet()) {
                if (now - peer.getValue() > nodeTimeoutNs) {
                    peerGone(peer.getKey(), "silent for " + config.nodeTimeoutMs() + " ms");
                }
            }
            LockSupport.parkNanos(periodNs);
        }
    }

    private void linkChanged() {
        boolean up = publisherUp && subscriberUp;
        linkState.lock();
        try {
            if (up == linkUp) {
                return;
            }
            linkUp = up;
            counters.linkUp = up ? 1 : 0;
            if (up) {
                boolean cameBack = everUp;
                everUp = true;
                if (cameBack) {
                    counters.reconnects.increment();
                }
                LOG.info("Redis link up (" + link.address() + ", node " + self.shortName() + ")");
            } else if (!closed) {
                LOG.warning("Redis link down (" + link.address() + "): local traffic goes on, cross-node traffic is dropped and counted until it returns");
            }
        } finally {
            linkState.unlock();
        }
        if (up) {
            for (Runnable listener : linkUpListeners) {
                try {
                    listener.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Link-up listener failed", e);
                }
            }
        }
    }

    private void logDrops() {
        long now = System.nanoTime();
        long last = lastDropLogNs.get();
        if (now - last < DROP_LOG_INTERVAL_NS || !lastDropLogNs.compareAndSet(last, now)) {
            return;
        }
        long total = counters.dropsLinkDown.sum() + counters.dropsQueueFull.sum();
        long since = total - droppedAtLastLog;
        droppedAtLastLog = total;
        LOG.warning("Cross-node envelopes dropped: " + since + " since the last report (" + total + " in all; "
                + (isUp() ? "publish queue full" : "Redis link down") + ")");
    }

    private long pause(long backoffMs) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoffMs));
        return Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    }

    byte[] nodeChannel(NodeId node) {
        return nodeChannels.computeIfAbsent(node, n -> Wtf8.encode(channelPrefix + "n:" + n));
    }

    /** Stops every thread and closes both connections; call {@link #flush} first to send what is queued. */
    @Override
    public void close() {
        closed = true;
        publisherUp = false;
        RedisLink.closeQuietly(subscriberJedis);
        for (Thread t : new Thread[] {publisher, subscriber, keeper}) {
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
        for (Thread t : new Thread[] {publisher, subscriber, keeper}) {
            if (t != null) {
                try {
                    t.join(2_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
