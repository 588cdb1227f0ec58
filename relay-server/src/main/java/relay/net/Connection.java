package relay.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import relay.config.ListenerSpec;
import relay.metrics.ProtocolCounters;
import relay.ws.CloseCode;
import relay.ws.FrameWriter;
import relay.ws.HttpRequest;
import relay.ws.Opcode;

/**
 * One accepted TCP connection and, after the upgrade, one WebSocket. Its reader runs on one virtual thread
 * ({@link ConnectionReader}) and its writer on another ({@link ConnectionWriter}); any thread may
 * {@link #send} to it or {@link #close} it, and neither call ever blocks. Everything it holds is released
 * exactly once, by {@link #release}, however it ends.
 */
public final class Connection {
    private static final Logger LOG = Logger.getLogger("relay.Connection");
    /** The idle sweeper's keep-alive: an empty Ping. */
    static final byte[] KEEP_ALIVE_PING = FrameWriter.encode(Opcode.PING, new byte[0]);

    enum Phase { HANDSHAKE, OPEN, CLOSING, CLOSED }

    private final long id;
    private final SocketChannel channel;
    private final ListenerSpec listener;
    private final NetContext context;
    private final ConnectionWriter writer;
    private final AtomicBoolean closeSent = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();
    private final String remoteAddress;
    private final InetAddress sourceAddress;
    private volatile ProtocolCounters counters;

    private volatile Phase phase = Phase.HANDSHAKE;
    private volatile Endpoint endpoint;
    private volatile Object attachment;
    private volatile HttpRequest request;
    private volatile int closeCode = CloseCode.ABNORMAL;
    private volatile boolean closeReceived;
    private volatile boolean closeWritten;
    final long acceptedAtNs;
    volatile long lastReadAtNs;
    volatile long pingSentAtNs;
    volatile long closeSentAtNs;
    /** Reads this connection; set once before its first thread starts, reused when it resumes from a park. */
    private ConnectionReader reader;
    /** The {@link IdleParker}'s registration while parked; touched only by the parker's thread. */
    SelectionKey idleKey;
    /** A wake arrived before the park it undoes; touched only by the parker's thread. */
    boolean wakeWhenParked;
    /** When the parker last answered this connection's keep-alive in place; touched only by the parker's thread. */
    long keepAliveAtNs;
    /** When the parker last handled this connection's messages in place; touched only by the parker's thread. */
    long inPlaceAtNs;
    /** Bytes the parker read but did not handle, for the resumed reader; set before its thread starts. */
    byte[] resumeBytes;

    Connection(long id, SocketChannel channel, InetAddress sourceAddress, ListenerSpec listener, NetContext context) {
        this.id = id;
        this.sourceAddress = sourceAddress;
        this.channel = channel;
        this.listener = listener;
        this.context = context;
        this.acceptedAtNs = context.clock().nanoTime();
        this.lastReadAtNs = acceptedAtNs;
        this.remoteAddress = describe(channel);
        this.writer = new ConnectionWriter(channel, context.limits().outboundMaxMessages(),
                context.limits().outboundMaxBytes(), context.writeBuffers(), context.metrics(), context.clock(),
                this::abort, this::closeWritten, () -> context.parker().wake(this), context.parker()::deferWake);
    }

    public long id() {
        return id;
    }

    public ListenerSpec listener() {
        return listener;
    }

    /**
     * The upgrade request's method, path and query (its headers are not kept after the upgrade); null during
     * the handshake.
     */
    public HttpRequest request() {
        return request;
    }

    public String remoteAddress() {
        return remoteAddress;
    }

    /** Per-connection protocol state, owned by the bound endpoint. */
    public Object attachment() {
        return attachment;
    }

    public void attach(Object value) {
        attachment = value;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public boolean isOpen() {
        return phase == Phase.OPEN;
    }

    /**
     * Hands this connection to another endpoint (protocol binding on auto listeners) and calls its
     * {@code onOpen}. Call from the connection's own reader callbacks or while they cannot run.
     */
    public void bind(Endpoint next) {
        ProtocolCounters to = context.metrics().countersFor(next);
        ProtocolCounters from = counters;
        to.open.increment();
        counters = to;
        if (from != null) {
            from.open.decrement();
        }
        endpoint = next;
        next.onOpen(this);
    }

    /**
     * Queues an encoded frame for this peer. Returns false if the connection is closing or closed, or if its
     * outbound queue is full, in which case the peer is too slow and is closed with 1013.
     */
    public boolean send(byte[] frame) {
        if (phase != Phase.OPEN) {
            return false;
        }
        if (writer.offer(frame)) {
            ProtocolCounters c = counters;
            c.messagesOut.increment();
            c.bytesOut.add(frame.length);
            return true;
        }
        context.metrics().queueOverflows.increment();
        LOG.log(Level.INFO, () -> "Closing slow peer " + this + ": outbound queue full (" + writer.queuedBytes() + " bytes queued)");
        sendClose(CloseCode.TRY_AGAIN_LATER, "outbound queue full", true);
        return false;
    }

    public boolean sendText(String text) {
        return send(FrameWriter.encodeText(text));
    }

    /**
     * Starts the closing handshake: queued data is still sent, then a Close with this code and reason (cut
     * to fit 123 bytes of UTF-8).
     *
     * @throws IllegalArgumentException for a code that must not appear in a Close frame (7.4: 1005, 1006,
     *     1015, unassigned codes), which the client would have to answer with 1002
     */
    public void close(int code, String reason) {
        if (!CloseCode.isValidOnWire(code)) {
            throw new IllegalArgumentException("close code " + code + " may not be sent (RFC 6455 7.4)");
        }
        sendClose(code, reason, false);
    }

    /** Runs {@code task} once after a delay on the shared scheduler; keep it short and non-blocking. */
    public void schedule(Runnable task, long delay, TimeUnit unit) {
        context.scheduler().schedule(task, delay, unit);
    }

    @Override
    public String toString() {
        return "#" + id + " " + remoteAddress;
    }

    // ---- package-private: used by the reader, the writer and the sweeper ----

    NetContext context() {
        return context;
    }

    SocketChannel channel() {
        return channel;
    }

    ConnectionWriter writer() {
        return writer;
    }

    Phase phase() {
        return phase;
    }

    void opened(HttpRequest upgradeRequest, Endpoint first) {
        request = upgradeRequest.withoutHeaders(); // endpoints read path and query; headers are not kept per connection
        endpoint = first;
        counters = context.metrics().countersFor(first);
        counters.open.increment();
        phase = Phase.OPEN;
        context.admission().handshakeEnded();
        context.metrics().connectionsOpen.increment();
        context.metrics().openOnListener(listener.toString()).increment();
    }

    /** Sends the sweeper's keep-alive Ping (while parked, the parker writes it and the connection stays parked). */
    void sendKeepAlivePing() {
        writer.offerPing(KEEP_ALIVE_PING);
    }

    /** Starts the connection's reader thread (once, after accepting). */
    void startReading(Router router) {
        reader = new ConnectionReader(this, router);
        Thread.ofVirtual().start(reader);
    }

    /**
     * Called by the {@link IdleParker} once this connection's channel is deregistered: blocking again, a new
     * reader thread carries on, and frames queued meanwhile get a writer. A channel closed while parked
     * fails the new reader's first read, which then releases the connection as usual.
     */
    void resumeFromPark() {
        try {
            channel.configureBlocking(true);
        } catch (IOException e) {
            LOG.log(Level.FINEST, "resuming a closed connection", e);
        }
        writer.resumeAfterPark(); // first, so that a Pong the reader queues at once finds a writer
        byte[] unread = resumeBytes;
        resumeBytes = null;
        Thread.ofVirtual().start(() -> reader.resume(unread));
    }

    /**
     * Called by the {@link IdleParker}: handles whole frames it read from this parked connection, on its own
     * thread. True when the connection may stay parked; false when it must be resumed (with any bytes left
     * over in {@link #resumeBytes}).
     */
    boolean handleWhileParked(byte[] bytes, int offset, int length) {
        return reader.handleWhileParked(bytes, offset, length);
    }

    /** Starts writing queued frames; called once the 101 response is on the wire. */
    void startWriter() {
        writer.start();
    }

    /** The counters of the protocol this connection is bound to. */
    ProtocolCounters counters() {
        return counters;
    }

    boolean isCloseSent() {
        return closeSent.get();
    }

    /** Sends this connection's one Close frame; later calls do nothing. */
    boolean sendClose(int code, String reason, boolean discardQueued) {
        return sendClosePayload(code, FrameWriter.closePayload(code, reason), discardQueued);
    }

    boolean sendClosePayload(int code, byte[] payload, boolean discardQueued) {
        if (phase == Phase.HANDSHAKE) {
            abort(); // no WebSocket yet, so no closing handshake: just end it
            return false;
        }
        if (!closeSent.compareAndSet(false, true)) {
            return false;
        }
        closeSentAtNs = context.clock().nanoTime();
        if (phase == Phase.OPEN) {
            phase = Phase.CLOSING;
        }
        recordCloseCode(code);
        writer.offerClose(FrameWriter.encode(Opcode.CLOSE, payload), discardQueued);
        return true;
    }

    void recordCloseCode(int code) {
        if (closeCode == CloseCode.ABNORMAL) {
            closeCode = code;
        }
    }

    /** The peer's Close arrived (the reader answers it with ours, if ours is not out yet). */
    void closingReceived() {
        if (phase == Phase.OPEN) {
            phase = Phase.CLOSING;
        }
        closeReceived = true;
        endIfClosingHandshakeDone();
    }

    /** Our Close is on the wire (called by the writer, which then writes nothing more). */
    private void closeWritten() {
        closeWritten = true;
        endIfClosingHandshakeDone();
    }

    /**
     * 7.1.1: once both Close frames have been exchanged, the server SHOULD close the TCP connection first,
     * rather than wait for the client's FIN. Reader and writer each check after setting their flag, so the
     * later of the two closes the socket; the reader then releases the connection.
     */
    private void endIfClosingHandshakeDone() {
        if (closeReceived && closeWritten) {
            abort();
        }
    }

    /** Drops the TCP connection without a closing handshake (end of a bounded shutdown). */
    public void abortNow() {
        abort();
    }

    /** Drops the TCP connection at once (dead peer, timeout); the reader then releases everything. */
    void abort() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "close failed for " + this, e);
        }
        if (writer.isParked()) {
            context.parker().wake(this); // no reader thread would notice the close: resume one to release
        }
    }

    /** Frees everything this connection holds and tells its endpoint; runs exactly once. */
    void release() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        boolean wasOpen = phase != Phase.HANDSHAKE;
        phase = Phase.CLOSED;
        abort();
        writer.stop();
        int code = closeCode;
        if (wasOpen) {
            // Counted before the connection leaves the registry: whoever sees it gone sees its close counted.
            counters.open.decrement();
            context.metrics().openOnListener(listener.toString()).decrement();
            context.metrics().connectionsOpen.decrement();
            context.metrics().countClose(code);
        }
        context.connections().remove(this);
        context.admission().release(sourceAddress);
        if (!wasOpen) {
            context.admission().handshakeEnded();
            return;
        }
        LOG.log(Level.FINE, () -> "Connection " + this + " closed with " + code);
        Endpoint bound = endpoint;
        if (bound != null) {
            try {
                bound.onClose(this, code);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "endpoint failed while closing " + this, e);
            }
        }
    }

    private static String describe(SocketChannel channel) {
        try {
            if (channel.getRemoteAddress() instanceof InetSocketAddress address) {
                return address.getAddress().getHostAddress() + ":" + address.getPort();
            }
        } catch (IOException e) {
            // fall through
        }
        return "?";
    }
}
