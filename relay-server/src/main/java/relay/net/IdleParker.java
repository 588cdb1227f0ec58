package relay.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jctools.queues.MpscUnboundedArrayQueue;
import relay.ws.FrameWriter;
import relay.ws.Masking;
import relay.ws.Opcode;

/**
 * Holds connections whose clients are silent, without a thread. A connection that has read nothing for a
 * while ({@code --idle-park-ms}) has its reader thread end and its socket registered here; one platform
 * thread waits on a {@link Selector} for all of them. Inbound data or an abort resumes the connection: the
 * socket is deregistered, set back to blocking, and a new reader thread carries on with the same frame
 * decoder state. A parked reader's stack was about half of an idle connection's heap.
 *
 * <p>Frames queued for a parked connection are written from here, with one non-blocking write per wake, the
 * way an event-loop server writes: a listener that is only ever sent to stays parked, and a delivery to it
 * costs no thread hand-off. A connection whose send buffer fills, or that has more than a few frames waiting
 * (this one thread falling behind), is resumed so that its own writer thread carries on (see
 * {@link ConnectionWriter#writeWhileParked}).
 *
 * <p>Keep-alive traffic does not resume a connection either: the sweeper's Ping is written like any frame,
 * and the client's Pong (or its own Ping, answered with a Pong) is read and handled here.
 *
 * <p>Nor does a slow client's message: whole, small data frames from a client that sends at most
 * {@code --parked-messages-per-second} are decoded and routed on this thread, with the connection's own frame
 * decoder, and what they send to other parked connections is written right after that read, before the next
 * connection is read (its recipients do not wait for every other sender's message in the pass), as an event
 * loop would: no thread is woken for the message at all. A faster client, anything else (a fragment, a Close, a
 * frame cut off by the read), a violation, or this thread's routing budget spent, resumes the connection with
 * the unhandled bytes, and its reader parks it again once its messages come slowly
 * ({@link ParkTiming#slowEnoughToPark}). Off in a cluster, whose routing may wait for Redis.
 *
 * <p>Only this thread registers, cancels and switches channels back to blocking, so parks and wakes never
 * race on a channel. A wake may arrive before the park it undoes has been processed (a frame queued in
 * between); the connection then remembers it and is resumed as soon as the park arrives.
 */
public final class IdleParker implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger("relay.Connection");
    /**
     * Keep-alive answered in place at most this often per connection: one that pings more often is not idle,
     * and is resumed so that its own reader thread, not the one parker thread, bears it.
     */
    static final long MIN_KEEP_ALIVE_GAP_NS = 1_000_000_000L;
    /**
     * The selector never sleeps longer than this: a wake deferred by {@link #holdWakeups} is served by the
     * holder's release, except when the holder blocks while routing (a cluster registration or studio update
     * waits for a Redis round trip), and then by this.
     */
    static final long WAKE_BACKSTOP_MS = 10;

    private final long parkAfterNs;
    private final Selector selector;
    private final MpscUnboundedArrayQueue<Connection> parks = new MpscUnboundedArrayQueue<>(256);
    private final MpscUnboundedArrayQueue<Connection> wakes = new MpscUnboundedArrayQueue<>(256);
    /**
     * What a parked connection sent. One buffer for every parked connection, so it can be roomy: messages up to
     * about this size are routed in place, a larger one resumes its connection.
     */
    static final int INBOUND_BYTES = 16 * 1024;
    private final ByteBuffer inbound = ByteBuffer.allocate(INBOUND_BYTES);
    private final NanoClock clock;
    private final AtomicInteger parked = new AtomicInteger();
    private final LongAdder resumed = new LongAdder();
    private final LongAdder batchesWritten = new LongAdder();
    private final List<Connection> resuming = new ArrayList<>();
    /** Writer threads to wake after this pass, from a virtual thread (see {@link #deferWake}). */
    private final List<ConnectionWriter> deferredWakes = new ArrayList<>();
    private final Thread thread;
    /**
     * A parked connection's messages are routed here if they come at least this far apart (the configured
     * {@code --parked-messages-per-second}); Long.MAX_VALUE when never.
     */
    private final long inPlaceGapNs;
    private final InPlaceBudget inPlaceBudget;
    private final LongAdder routedInPlace = new LongAdder();
    private volatile boolean open = true;
    /** Threads routing a message right now: their wakes of the selector wait until they finish. */
    private final AtomicInteger holds = new AtomicInteger();
    /** Set by every wake and park; whoever wakes the selector clears it. */
    private final AtomicBoolean wakePending = new AtomicBoolean();

    /** A parker that resumes a parked connection for every message it sends. */
    public IdleParker(long parkAfterMs, NanoClock clock) {
        this(parkAfterMs, 0, clock);
    }

    /**
     * @param parkAfterMs idle time after which a connection is parked; 0 never parks (and starts no thread)
     * @param inPlaceMessagesPerSecond the most messages a second a parked connection may send and still have
     *     them routed by this thread; 0 resumes it for every message
     */
    public IdleParker(long parkAfterMs, int inPlaceMessagesPerSecond, NanoClock clock) {
        this.inPlaceGapNs = inPlaceMessagesPerSecond > 0 && parkAfterMs > 0
                ? 1_000_000_000L / inPlaceMessagesPerSecond : Long.MAX_VALUE;
        this.inPlaceBudget = new InPlaceBudget(clock.nanoTime());
        if (parkAfterMs < 0) {
            throw new IllegalArgumentException("idle park time must not be negative");
        }
        this.parkAfterNs = parkAfterMs * 1_000_000;
        this.clock = clock;
        if (parkAfterMs == 0) {
            selector = null;
            thread = null;
            return;
        }
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the idle parker's selector", e);
        }
        thread = Thread.ofPlatform().daemon().name("relay-idle-parker").start(this::loop);
    }

    /** A parker that never parks, for contexts without idle connections to save (tests, tools). */
    public static IdleParker disabled() {
        return new IdleParker(0, NanoClock.SYSTEM);
    }

    /**
     * The shortest gap between a parked connection's messages that this thread routes in place;
     * Long.MAX_VALUE when it never does. A reader whose messages come well over this far apart parks again.
     */
    long inPlaceGapNs() {
        return inPlaceGapNs;
    }

    /** Whether this thread has time to route more messages in place right now. */
    boolean hasRoomInPlace() {
        return !inPlaceBudget.isFull();
    }

    /** How long a connection must be idle before its reader parks it; 0 when parking is off. */
    long parkAfterNs() {
        return parkAfterNs;
    }

    /** Connections parked right now (for /metrics). */
    public int parkedCount() {
        return parked.get();
    }

    /** Resumptions so far: how often parked connections needed a thread again. */
    public long resumedCount() {
        return resumed.sum();
    }

    /** Reads of parked connections whose messages this thread routed itself, without resuming them. */
    public long routedInPlaceCount() {
        return routedInPlace.sum();
    }

    /** Batches written to parked connections so far, each one non-blocking write instead of a resume. */
    public long batchesWrittenCount() {
        return batchesWritten.sum();
    }

    /**
     * Called by a reader thread that has switched its channel to non-blocking and is about to end: the
     * connection waits here until it must be resumed.
     */
    void park(Connection connection) {
        parked.incrementAndGet();
        parks.offer(connection);
        signal();
    }

    /**
     * A parked (or parking) connection has something to write, or was aborted: it is written to from here, or
     * resumed; harmless if it already was.
     */
    void wake(Connection connection) {
        if (selector != null) {
            wakes.offer(connection);
            signal();
        }
    }

    /**
     * Called by a reader before it routes a message: the selector wake-ups its sends would cause wait until
     * {@link #releaseWakeups}, so that a broadcast to many parked connections wakes this thread once, not
     * once per recipient (on a busy core the woken parker would preempt the sender after each one). Other
     * threads' wakes wait too, for the next release or at most {@link #WAKE_BACKSTOP_MS}.
     */
    void holdWakeups() {
        if (selector != null) {
            holds.incrementAndGet();
        }
    }

    /** Ends a {@link #holdWakeups}, waking the selector if anything was queued for it meanwhile. */
    void releaseWakeups() {
        if (selector != null) {
            holds.decrementAndGet();
            if (Thread.currentThread() == thread) {
                return; // routing a message in place: the loop collects what it queued before it selects again
            }
            if (wakePending.get()) {
                wakeSelector();
            }
        }
    }

    /**
     * Wakes the selector for what was just queued, unless a thread routing a message will when it is done:
     * the pending flag is set before the holds are read, and a release decrements the holds before it reads
     * the flag, so at least one of them sees the other.
     */
    private void signal() {
        wakePending.set(true);
        if (holds.get() == 0) {
            wakeSelector();
        }
    }

    private void wakeSelector() {
        if (wakePending.getAndSet(false)) {
            selector.wakeup();
        }
    }

    private void loop() {
        try {
            while (open) {
                selector.select(WAKE_BACKSTOP_MS);
                collectParks();
                collectWakes();
                for (SelectionKey key : selector.selectedKeys()) {
                    Connection c = (Connection) key.attachment();
                    if (c.idleKey != null && !readParked(c)) {
                        collect(c);
                    }
                    collectWakes(); // what that read routed goes out before the next connection is read
                }
                selector.selectedKeys().clear();
                if (wakePending.getAndSet(false)) {
                    collectParks(); // queued while this thread routed messages in place
                    collectWakes();
                }
                resumeCollected();
                wakeDeferred();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.SEVERE, "idle parker failed; resuming every parked connection", e);
        } finally {
            resumeEverything();
        }
    }

    private void collectParks() {
        Connection c;
        while ((c = parks.relaxedPoll()) != null) {
            boolean woken = c.wakeWhenParked;
            c.wakeWhenParked = false;
            try {
                c.idleKey = c.channel().register(selector, SelectionKey.OP_READ, c);
            } catch (ClosedChannelException | CancelledKeyException e) {
                resuming.add(c); // closed meanwhile: its reader must still run to release it
                continue;
            }
            if (woken) {
                writeOrResume(c);
            }
        }
    }

    private void collectWakes() {
        Connection c;
        while ((c = wakes.relaxedPoll()) != null) {
            if (c.idleKey != null) {
                writeOrResume(c);
            } else if (c.writer().isParked()) {
                c.wakeWhenParked = true; // its park is still on the way
            }
        }
    }

    /** Writes what is queued for a registered connection, or resumes it when that cannot be done here. */
    private void writeOrResume(Connection c) {
        int written = c.writer().writeWhileParked();
        if (written == ConnectionWriter.RESUME) {
            collect(c);
        } else if (written > 0) {
            batchesWritten.increment();
        }
    }

    /**
     * Reads what a parked connection sent. Pongs and Pings (answered with a queued Pong, which this thread
     * then writes like any frame) keep it parked and count as liveness, like any read; a slow client's whole
     * data frames are routed here ({@link #routeInPlace}); anything else returns false with the unhandled
     * bytes kept for the resumed reader.
     */
    private boolean readParked(Connection c) {
        long now = clock.nanoTime();
        if (c.keepAliveAtNs != 0 && now - c.keepAliveAtNs < MIN_KEEP_ALIVE_GAP_NS) {
            return false; // its reader reads it
        }
        SocketChannel channel = c.channel();
        int n;
        try {
            n = channel.read(inbound.clear());
        } catch (IOException e) {
            return false; // the resumed reader meets the failure itself
        }
        if (n == 0) {
            return true;
        }
        if (n < 0) {
            return false; // end of stream stays: the reader reads it again
        }
        byte[] bytes = inbound.array();
        int at = 0;
        while (at < n) {
            int length = keepAliveFrameLength(bytes, at, n);
            if (length < 0) {
                if (mayRouteInPlace(c, now) && wholeDataFrames(bytes, at, n)) {
                    return routeInPlace(c, bytes, at, n, now);
                }
                c.resumeBytes = Arrays.copyOfRange(bytes, at, n);
                return false;
            }
            if ((bytes[at] & 0x0F) == Opcode.PING) {
                answerPing(c, bytes, at);
            }
            at += length;
        }
        c.keepAliveAtNs = now;
        c.lastReadAtNs = now;
        c.pingSentAtNs = 0;
        return true;
    }

    /**
     * Called by a writer about to be woken. From this thread (routing a message in place, or resuming a
     * connection), the wake of a writer thread is collected, and one virtual thread does them all after the
     * pass ({@link VirtualThreadBatch}). Other threads wake writers themselves.
     */
    boolean deferWake(ConnectionWriter writer) {
        if (Thread.currentThread() != thread) {
            return false;
        }
        deferredWakes.add(writer);
        return true;
    }

    private void wakeDeferred() {
        VirtualThreadBatch.drain("relay-parker-wakes", deferredWakes, ConnectionWriter::wakeNow);
    }

    /** Whether a parked connection's messages may be routed on this thread now: not too often, within budget. */
    private boolean mayRouteInPlace(Connection c, long now) {
        if (inPlaceGapNs == Long.MAX_VALUE || (c.inPlaceAtNs != 0 && now - c.inPlaceAtNs < inPlaceGapNs)) {
            return false;
        }
        return inPlaceBudget.hasRoom(now);
    }

    /**
     * Routes what a parked connection sent from this thread, the way an event loop does: no reader thread to
     * wake, and deliveries to parked recipients are written in the same pass. False when it must be resumed
     * (it broke the protocol, was closed, or left part of a frame).
     */
    private boolean routeInPlace(Connection c, byte[] bytes, int at, int end, long now) {
        c.inPlaceAtNs = now;
        boolean staysParked = c.handleWhileParked(bytes, at, end - at);
        inPlaceBudget.spend(clock.nanoTime() - now);
        routedInPlace.increment();
        return staysParked;
    }

    /**
     * Whether {@code bytes[at..end)} holds only whole, final, masked Text and Binary frames of at most 65,535
     * bytes and Pings and Pongs of at most 125: what this thread handles in place. Anything else (a fragment,
     * a Close, a frame cut off by the read) goes to the connection's resumed reader.
     */
    static boolean wholeDataFrames(byte[] bytes, int at, int end) {
        while (at < end) {
            int length = frameLength(bytes, at, end, true);
            if (length < 0) {
                return false;
            }
            at += length;
        }
        return true;
    }

    /** The length of a complete masked Ping or Pong at {@code at}, or -1 for anything else (or a partial one). */
    static int keepAliveFrameLength(byte[] bytes, int at, int end) {
        return frameLength(bytes, at, end, false);
    }

    /**
     * The length of the whole frame at {@code at} if it is final, unreserved, masked and a Ping or Pong of at
     * most 125 bytes, or (with {@code messages}) a Text or Binary frame of at most 65,535; else -1 (a partial
     * one included). What is not is left to the connection's reader, which fails it if it is wrong.
     */
    private static int frameLength(byte[] bytes, int at, int end, boolean messages) {
        if (end - at < 2) {
            return -1;
        }
        int first = bytes[at] & 0xFF;
        int second = bytes[at + 1] & 0xFF;
        int opcode = first & 0x0F;
        boolean keepAlive = opcode == Opcode.PING || opcode == Opcode.PONG;
        boolean message = messages && (opcode == Opcode.TEXT || opcode == Opcode.BINARY);
        if ((first & 0xF0) != 0x80 || !(keepAlive || message) || (second & 0x80) == 0) {
            return -1;
        }
        int payload = second & 0x7F;
        int header = 6;
        if (payload == 126 && message) {
            if (end - at < 4) {
                return -1;
            }
            payload = ((bytes[at + 2] & 0xFF) << 8) | (bytes[at + 3] & 0xFF);
            header = 8;
        } else if (payload > 125) {
            return -1;
        }
        int length = header + payload;
        return end - at >= length ? length : -1;
    }

    /**
     * 5.5.2: answers a client's Ping with its payload. The Pong is queued like the reader's would be; its wake
     * brings it back to this thread, which writes it (or resumes the connection if it cannot).
     */
    private static void answerPing(Connection c, byte[] ping, int at) {
        int length = ping[at + 1] & 0x7F;
        int maskKey = ((ping[at + 2] & 0xFF) << 24) | ((ping[at + 3] & 0xFF) << 16) | ((ping[at + 4] & 0xFF) << 8)
                | (ping[at + 5] & 0xFF);
        byte[] pong = FrameWriter.encode(Opcode.PONG, ping, at + 6, length);
        Masking.apply(pong, 2, length, maskKey, 0); // unmasked in the Pong: a control payload has a 2-byte header
        c.writer().offerPong(pong);
    }

    /** Cancels a registered connection's key and queues it for resumption. */
    private void collect(Connection c) {
        SelectionKey key = c.idleKey;
        if (key != null) {
            key.cancel();
            c.idleKey = null;
            resuming.add(c);
        }
    }

    /** Deregisters the cancelled keys (so the channels may block again) and restarts their readers. */
    private void resumeCollected() throws IOException {
        if (resuming.isEmpty()) {
            return;
        }
        selector.selectNow();
        selector.selectedKeys().clear(); // anything ready now is seen again by the next select
        for (Connection c : resuming) {
            c.wakeWhenParked = false; // a wake counted in this pass is answered by this resume
            parked.decrementAndGet();
            resumed.increment();
            c.resumeFromPark();
        }
        resuming.clear();
    }

    private void resumeEverything() {
        try {
            collectParks();
            for (SelectionKey key : selector.keys()) {
                collect((Connection) key.attachment());
            }
            resumeCollected();
            wakeDeferred();
            selector.close();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "idle parker could not resume every connection", e);
        }
    }

    /** Resumes every parked connection and stops the thread; call after the connections were closed. */
    @Override
    public void close() {
        if (thread == null) {
            return;
        }
        open = false;
        selector.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
