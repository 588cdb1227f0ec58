package relay.loadgen.net;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import relay.config.Admission;

/**
 * The load generator's client side: a few {@link EventLoop}s (by default one per core, at most four) and
 * the connections spread over them round-robin. Opening handshakes are throttled to a bounded number in
 * flight so that a storm of connects does not overflow the server's accept backlog, and connections can be
 * bound to several loopback source addresses (127.0.0.1, 127.0.0.2, ...) when one address's ephemeral ports
 * are not enough.
 */
public final class ClientGroup implements AutoCloseable {
    /**
     * One address gives about 28,000 ephemeral ports (Linux default 32768-60999), but relay by default admits
     * 10,000 connections per source address (a 15,000-client room got 5,001 429s): spread to stay under both.
     */
    public static final int DEFAULT_CONNECTIONS_PER_SOURCE_ADDRESS = Admission.DEFAULT_MAX_CONNECTIONS_PER_IP;

    private final EventLoop[] loops;
    private final InetSocketAddress remote;
    private final Semaphore pending;
    private final int sourceAddresses;
    private final int readBufferBytes;
    private final int writeBufferBytes;
    private final List<WsConnection> connections = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
    private int next;

    public ClientGroup(URI server, int loopCount, int maxPendingConnects, int sourceAddresses,
                       int readBufferBytes, int writeBufferBytes) {
        this.remote = new InetSocketAddress(server.getHost(), server.getPort() < 0 ? 80 : server.getPort());
        this.loops = new EventLoop[loopCount];
        for (int i = 0; i < loopCount; i++) {
            loops[i] = new EventLoop("loadgen-loop-" + i);
            loops[i].start();
        }
        this.pending = new Semaphore(maxPendingConnects);
        this.sourceAddresses = sourceAddresses;
        this.readBufferBytes = readBufferBytes;
        this.writeBufferBytes = writeBufferBytes;
    }

    public static int defaultLoops() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    public EventLoop[] loops() {
        return loops;
    }

    /** Connections open right now (any thread). */
    public int openCount() {
        return open.get();
    }

    public List<WsConnection> connections() {
        return connections;
    }

    /**
     * Opens one connection on the next loop (blocking while too many handshakes are in flight). The permit
     * is returned when the handshake ends either way, so the listener is wrapped.
     */
    public WsConnection open(String path, WsListener listener) throws InterruptedException {
        return open(remote, path, listener);
    }

    /** As {@link #open(String, WsListener)}, to another server (e.g. another node of a relay cluster). */
    public WsConnection open(URI server, String path, WsListener listener) throws InterruptedException {
        return open(new InetSocketAddress(server.getHost(), server.getPort() < 0 ? 80 : server.getPort()), path, listener);
    }

    private WsConnection open(InetSocketAddress remote, String path, WsListener listener) throws InterruptedException {
        pending.acquire();
        int index = connections.size();
        EventLoop loop = loops[next++ % loops.length];
        InetSocketAddress local = sourceAddresses <= 1 ? null
                : new InetSocketAddress("127.0.0." + (1 + index % sourceAddresses), 0);
        WsConnection c = new WsConnection(loop, remote, local, path, index, new PermitReturning(listener),
                readBufferBytes, writeBufferBytes);
        connections.add(c);
        c.connect();
        return c;
    }

    /** Sends Close 1000 on every open connection, waits up to {@code graceMs} for the replies, then drops all. */
    public void closeAll(long graceMs) throws InterruptedException {
        for (WsConnection c : connections) {
            c.loop().execute(() -> c.close(1000, "load test done"));
        }
        long deadline = System.nanoTime() + graceMs * 1_000_000;
        while (System.nanoTime() < deadline && connections.stream().anyMatch(c -> c.state() != WsConnection.State.CLOSED)) {
            Thread.sleep(10);
        }
        for (WsConnection c : connections) {
            c.loop().execute(c::abort);
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (EventLoop loop : loops) {
            loop.execute(() -> { });
        }
        Thread.sleep(20);
        for (EventLoop loop : loops) {
            loop.stop();
        }
        for (EventLoop loop : loops) {
            loop.join(2_000);
        }
    }

    private final class PermitReturning implements WsListener {
        private final WsListener delegate;
        private boolean released;

        PermitReturning(WsListener delegate) {
            this.delegate = delegate;
        }

        private void release() {
            if (!released) {
                released = true;
                pending.release();
            }
        }

        @Override
        public void onOpen(WsConnection connection, long nowNs) {
            release();
            open.incrementAndGet();
            delegate.onOpen(connection, nowNs);
        }

        @Override
        public void onText(WsConnection connection, byte[] bytes, int offset, int length, long nowNs) {
            delegate.onText(connection, bytes, offset, length, nowNs);
        }

        @Override
        public void onBinary(WsConnection connection, byte[] bytes, int offset, int length, long nowNs) {
            delegate.onBinary(connection, bytes, offset, length, nowNs);
        }

        @Override
        public void onClosed(WsConnection connection, int code, String reason, boolean initiatedByUs) {
            release();
            open.decrementAndGet();
            delegate.onClosed(connection, code, reason, initiatedByUs);
        }

        @Override
        public void onFailed(WsConnection connection, String kind) {
            release();
            delegate.onFailed(connection, kind);
        }
    }
}
