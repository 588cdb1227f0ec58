package relay.loadgen.net;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import relay.ws.CloseCode;
import relay.ws.FrameReader;
import relay.ws.FrameWriter;
import relay.ws.MessageHandler;
import relay.ws.Opcode;
import relay.ws.ProtocolException;

/**
 * A non-blocking WebSocket client connection (RFC 6455 client side) owned by one {@link EventLoop}: the
 * opening handshake of {@link ClientHandshake}, masked frames written by {@link ClientFramer} straight into a
 * preallocated outbound buffer, and server frames decoded in place by its reader. Sending a message copies it
 * once into the outbound buffer and masks it there; nothing is allocated per message. Pings are answered with
 * Pongs, a server Close is echoed.
 *
 * <p>Every method is called on the owning loop's thread, except {@link #connect}, which hands over to it.
 */
public final class WsConnection implements MessageHandler {
    /** Large enough that frames up to 64 KiB usually arrive whole and are delivered without a copy. */
    public static final int DEFAULT_READ_BUFFER_BYTES = 128 * 1024;
    public static final int DEFAULT_WRITE_BUFFER_BYTES = 256 * 1024;

    public enum State { CONNECTING, HANDSHAKING, OPEN, CLOSING, CLOSED }

    /** A server's empty Ping (final, unmasked), decoded once at open: see {@link #primeControlPath}. */
    private static final byte[] PRIMING_PING = FrameWriter.encode(Opcode.PING, new byte[0]);

    private final EventLoop loop;
    private final WsListener listener;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private final String path;
    private final int id;
    private final ByteBuffer in;
    private final ByteBuffer out;
    private final FrameReader reader;
    private final ClientFramer framer = new ClientFramer();
    private final byte[] control = new byte[131];
    private SocketChannel channel;
    private SelectionKey key;
    private ClientHandshake handshake;
    private State state = State.CONNECTING;
    private boolean closeSent;
    boolean dirty;
    private long connectStartNs;
    /** The time of the read that delivered the message being handled: one clock read per read call. */
    private long lastReadNs;
    private Object attachment;

    public WsConnection(EventLoop loop, InetSocketAddress remote, InetSocketAddress local, String path, int id,
                        WsListener listener, int readBufferBytes, int writeBufferBytes) {
        this.loop = loop;
        this.remote = remote;
        this.local = local;
        this.path = path;
        this.id = id;
        this.listener = listener;
        this.in = ByteBuffer.allocate(readBufferBytes);
        this.out = ByteBuffer.allocate(writeBufferBytes);
        this.reader = ClientFramer.reader(this);
    }

    public int id() {
        return id;
    }

    public EventLoop loop() {
        return loop;
    }

    public State state() {
        return state;
    }

    public boolean isOpen() {
        return state == State.OPEN;
    }

    public long connectStartNs() {
        return connectStartNs;
    }

    @SuppressWarnings("unchecked")
    public <T> T attachment() {
        return (T) attachment;
    }

    public void attach(Object value) {
        attachment = value;
    }

    /** Starts connecting on the loop thread; the listener hears {@code onOpen} or {@code onFailed}. */
    public void connect() {
        loop.execute(this::startConnect);
    }

    private void startConnect() {
        connectStartNs = System.nanoTime();
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (local != null) {
                channel.bind(local);
            }
            key = channel.register(loop.selector(), 0, this);
            if (channel.connect(remote)) {
                startHandshake();
            } else {
                key.interestOps(SelectionKey.OP_CONNECT);
            }
        } catch (IOException e) {
            fail(errorKind(e));
        }
    }

    void onReady(SelectionKey readyKey) {
        if (!readyKey.isValid()) {
            return;
        }
        try {
            if (state == State.CONNECTING && readyKey.isConnectable()) {
                channel.finishConnect();
                startHandshake();
                return;
            }
            if (readyKey.isWritable()) {
                flush();
            }
            if (readyKey.isValid() && readyKey.isReadable()) {
                read();
            }
        } catch (IOException e) {
            if (state == State.CONNECTING || state == State.HANDSHAKING) {
                fail(errorKind(e));
            } else {
                ended(CloseCode.ABNORMAL, errorKind(e), false);
            }
        }
    }

    private void startHandshake() {
        state = State.HANDSHAKING;
        handshake = new ClientHandshake();
        out.put(handshake.request(path, ClientHandshake.hostHeader(remote.getHostString(), remote.getPort(), false)));
        key.interestOps(SelectionKey.OP_READ);
        flush();
    }

    private void read() throws IOException {
        int n = channel.read(in);
        if (n < 0) {
            if (state == State.HANDSHAKING) {
                fail("closed during handshake");
            } else {
                ended(CloseCode.ABNORMAL, "connection closed without a Close frame", false);
            }
            return;
        }
        if (state == State.HANDSHAKING && !readHandshakeResponse()) {
            return;
        }
        decodeFrames();
    }

    private void decodeFrames() {
        long nowNs = System.nanoTime();
        lastReadNs = nowNs;
        byte[] bytes = in.array();
        int length = in.position();
        int consumed;
        try {
            consumed = reader.read(bytes, 0, length);
        } catch (ProtocolException e) {
            sendClose(e.closeCode(), "");
            ended(e.closeCode(), "protocol error: " + e.getMessage(), false);
            return;
        }
        if (state == State.CLOSED) {
            return;
        }
        int left = length - consumed;
        if (left > 0) {
            System.arraycopy(bytes, consumed, bytes, 0, left);
        }
        in.position(left);
    }

    /** Parses the 101 response; returns true once the connection is open (leftover bytes stay in {@code in}). */
    private boolean readHandshakeResponse() {
        byte[] bytes = in.array();
        int end = ClientHandshake.headEnd(bytes, 0, in.position());
        if (end < 0) {
            if (!in.hasRemaining()) {
                fail("handshake response too large");
            }
            return false;
        }
        try {
            handshake.check(bytes, end);
        } catch (ClientHandshake.RefusedException e) {
            fail(e.kind());
            return false;
        }
        handshake = null;
        int left = in.position() - end;
        System.arraycopy(bytes, end, bytes, 0, left);
        in.position(left);
        state = State.OPEN;
        primeControlPath();
        listener.onOpen(this, System.nanoTime());
        return state == State.OPEN;
    }

    /**
     * Decodes one canned empty Ping through this connection's own reader, as if the server had sent it, and
     * drops the Pong it queues. The first real Ping would otherwise reach a receive path that the JIT compiled
     * with its control-frame branches as traps (no frame had taken them), and throw that path back to the
     * interpreter mid-run, while it times deliveries. That would charge only servers that send keep-alive
     * Pings (relay; the peers send none) for the generator's own warm-up. Nothing goes on the wire.
     */
    private void primeControlPath() {
        int queued = out.position();
        try {
            reader.read(PRIMING_PING, 0, PRIMING_PING.length);
        } catch (ProtocolException e) {
            throw new IllegalStateException("the canned Ping is a valid frame", e);
        }
        out.position(queued);
    }

    /**
     * Queues a masked text frame of {@code payload[offset..offset+length)}; it is written at the end of the
     * loop's pass. Returns false when the connection is not open or its outbound buffer is full (the peer
     * is not reading: the caller counts it).
     */
    public boolean sendText(byte[] payload, int offset, int length) {
        return send(Opcode.TEXT, payload, offset, length);
    }

    public boolean sendBinary(byte[] payload, int offset, int length) {
        return send(Opcode.BINARY, payload, offset, length);
    }

    private boolean send(int opcode, byte[] payload, int offset, int length) {
        if (state != State.OPEN) {
            return false;
        }
        return put(opcode, payload, offset, length);
    }

    private boolean put(int opcode, byte[] payload, int offset, int length) {
        if (out.remaining() < ClientFramer.frameLength(length)) {
            return false;
        }
        out.position(out.position() + framer.write(out.array(), out.position(), opcode, payload, offset, length));
        loop.markDirty(this);
        return true;
    }

    /** Starts the closing handshake (7.1.2); the connection ends when the server's Close arrives. */
    public void close(int code, String reason) {
        if (state == State.OPEN) {
            state = State.CLOSING;
            sendClose(code, reason);
        } else if (state == State.CONNECTING || state == State.HANDSHAKING) {
            abort();
        }
    }

    /** Drops the TCP connection without a closing handshake. */
    public void abort() {
        state = State.CLOSED;
        if (key != null) {
            key.cancel();
        }
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    private void sendClose(int code, String reason) {
        if (closeSent) {
            return;
        }
        closeSent = true;
        byte[] payload = FrameWriter.closePayload(code, reason);
        put(Opcode.CLOSE, payload, 0, payload.length);
        flush();
    }

    void flush() {
        if (out.position() == 0 || channel == null || !channel.isOpen()) {
            return;
        }
        try {
            out.flip();
            channel.write(out);
            out.compact();
            int ops = out.position() > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
            if (key.isValid() && key.interestOps() != ops) {
                key.interestOps(ops);
            }
        } catch (IOException e) {
            out.clear();
            if (state == State.HANDSHAKING) {
                fail(errorKind(e));
            } else {
                ended(CloseCode.ABNORMAL, errorKind(e), false);
            }
        }
    }

    @Override
    public void onText(byte[] bytes, int offset, int length) {
        listener.onText(this, bytes, offset, length, lastReadNs);
    }

    @Override
    public void onBinary(byte[] bytes, int offset, int length) {
        listener.onBinary(this, bytes, offset, length, lastReadNs);
    }

    @Override
    public void onPing(byte[] bytes, int offset, int length) {
        // 5.5.2: upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response
        if (state == State.OPEN || state == State.CLOSING) {
            System.arraycopy(bytes, offset, control, 0, length);
            put(Opcode.PONG, control, 0, length);
        }
    }

    @Override
    public void onPong(byte[] bytes, int offset, int length) {
        // unsolicited or answering nothing: ignored (5.5.3)
    }

    @Override
    public void onClose(int code, byte[] reason, int offset, int length) {
        boolean initiatedByUs = state == State.CLOSING;
        // 5.5.1: an endpoint that receives a Close it did not send first MUST send a Close in response
        sendClose(code == CloseCode.NO_STATUS ? CloseCode.NORMAL : code, "");
        ended(code, new String(reason, offset, length, StandardCharsets.UTF_8), initiatedByUs);
    }

    private void ended(int code, String reason, boolean initiatedByUs) {
        if (state == State.CLOSED) {
            return;
        }
        boolean wasClosing = state == State.CLOSING;
        abort();
        listener.onClosed(this, code, reason, initiatedByUs || wasClosing);
    }

    private void fail(String kind) {
        if (state == State.CLOSED) {
            return;
        }
        abort();
        listener.onFailed(this, kind);
    }

    /** How a run counts an I/O failure of a client connection: "refused", "reset", "http 404", ... */
    public static String errorKind(IOException e) {
        if (e instanceof ClientHandshake.RefusedException refused) {
            return refused.kind();
        }
        if (e instanceof ConnectException) {
            return "refused";
        }
        String message = e.getMessage();
        if (message != null && message.contains("reset")) {
            return "reset";
        }
        if (message != null && message.contains("Cannot assign requested address")) {
            return "no local port";
        }
        return "io " + e.getClass().getSimpleName();
    }
}
