package relay.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;
import relay.config.Admission;
import relay.config.Limits;
import relay.metrics.Metrics;
import relay.metrics.ProtocolCounters;
import relay.ws.CloseCode;
import relay.ws.FrameReader;
import relay.ws.FrameWriter;
import relay.ws.Handshake;
import relay.ws.HttpException;
import relay.ws.HttpRequest;
import relay.ws.HttpRequestParser;
import relay.ws.HttpResponse;
import relay.ws.MessageAssembler;
import relay.ws.MessageHandler;
import relay.ws.Opcode;
import relay.ws.ProtocolException;

/**
 * The body of a connection's virtual thread: reads the HTTP request, answers it or upgrades, then reads
 * frames until the connection ends, and finally releases the connection. Protocol violations arrive here as
 * {@link ProtocolException}s and are turned into the Close frame they call for; this is the one place that
 * catches them.
 */
final class ConnectionReader implements Runnable, MessageHandler {
    private static final Logger LOG = Logger.getLogger("relay.Connection");
    /** After a refusal, read at most this much of what the client still sends before closing anyway. */
    private static final long MAX_DRAIN_BYTES = 64 * 1024;
    private static final int TIMED_OUT = -2;
    /** How long a reader about to park waits for the idle writer it let go to end (it takes microseconds). */
    private static final int WRITER_EXIT_WAIT_MS = 50;

    private final Connection connection;
    private final Router router;
    private final Limits limits;
    private final Admission admission;
    private final NanoClock clock;
    private TokenBucket messageRate;
    private TokenBucket byteRate;
    /** First request-head buffer: a browser's upgrade request is 400-700 bytes. */
    static final int INITIAL_HEAD_BYTES = 1024;

    private FrameReader frames;
    /** The read buffer while a thread reads; dropped while the connection is parked. */
    private ReadBuffer buffer;
    /** When to watch for idleness and how long to wait before parking. */
    private final ParkTiming parkTiming;
    /** Bytes read by the parker, decoded first after a resume. */
    private byte[] resumedWith;
    /** When {@link #admit} let the current message through. */
    private long admittedAtNs;
    /** The method of the request being answered (HEAD gets no body); null before parsing. */
    private String lastMethod;
    /** Bytes read into the head buffer: the request head and whatever the client sent right behind it. */
    private int headLength;
    /** After a Close was received, or the connection failed: read only to notice the peer's FIN. */
    private boolean discarding;

    ConnectionReader(Connection connection, Router router) {
        this.connection = connection;
        this.router = router;
        this.limits = connection.context().limits();
        this.admission = connection.context().admission().limits();
        this.clock = connection.context().clock();
        IdleParker parker = connection.context().parker();
        this.parkTiming = new ParkTiming(parker.parkAfterNs(), parker.inPlaceGapNs());
    }

    @Override
    public void run() {
        readUntilEndOrPark(true);
    }

    /**
     * Carries on after the connection was parked, on a new virtual thread with a new read buffer, starting
     * with the bytes the parker read but did not handle (may be null).
     */
    void resume(byte[] unread) {
        resumedWith = unread;
        readUntilEndOrPark(false);
    }

    /** Reads the connection until it ends, then releases it; or until it is parked, and then leaves it be. */
    private void readUntilEndOrPark(boolean handshake) {
        boolean parked = false;
        try {
            if (handshake ? upgraded() : resumed()) {
                parked = readFrames(handshake);
            }
        } catch (IOException e) {
            LOG.log(Level.FINEST, "connection ended", e);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "unexpected failure on " + connection, e);
        } finally {
            if (!parked) {
                connection.release();
            }
        }
    }

    /** The HTTP part: answers the request or upgrades it; true once frames are to be read. */
    private boolean upgraded() throws IOException {
        byte[] head = readHead();
        if (head == null) {
            return false;
        }
        int headLength = this.headLength;
        int end = HttpRequestParser.findEnd(head, headLength);
        if (!upgrade(head, end)) {
            return false;
        }
        frames = new FrameReader(new MessageAssembler(this), true, limits.maxMessageBytes(),
                admission.maxFragmentsPerMessage());
        long now = clock.nanoTime();
        if (admission.maxMessagesPerSecond() > 0) {
            messageRate = new TokenBucket(admission.maxMessagesPerSecond(), now);
        }
        if (admission.maxBytesPerSecond() > 0) {
            byteRate = new TokenBucket(admission.maxBytesPerSecond(), now);
        }
        buffer = new ReadBuffer(limits.readBufferBytes());
        if (headLength > end) {
            // A client may send its first frames right behind the request.
            int consumed = decode(head, end, headLength - end);
            buffer.put(head, end + consumed, headLength - end - consumed);
        }
        return true;
    }

    private boolean resumed() {
        parkTiming.resumed(clock.nanoTime());
        buffer = new ReadBuffer(limits.readBufferBytes());
        byte[] unread = resumedWith;
        resumedWith = null;
        if (unread != null) {
            connection.lastReadAtNs = clock.nanoTime();
            connection.pingSentAtNs = 0;
            int consumed = decode(unread, 0, unread.length);
            buffer.put(unread, consumed, unread.length - consumed);
        }
        return true;
    }

    /**
     * Reads until the request head is complete; returns the bytes read so far (head plus anything behind it,
     * {@link #headLength} of them), or null after answering an error. The buffer starts small and doubles up
     * to the header limit, so that a typical 300-byte upgrade costs one small array.
     */
    private byte[] readHead() throws IOException {
        SocketChannel channel = connection.channel();
        byte[] head = new byte[Math.min(INITIAL_HEAD_BYTES, limits.maxHeaderBytes())];
        ByteBuffer in = ByteBuffer.wrap(head);
        int scanned = 0;
        while (true) {
            int n = channel.read(in);
            if (n < 0) {
                return null;
            }
            // only the new bytes (and the three before them, for a CRLFCRLF split across reads) are scanned
            if (HttpRequestParser.findEnd(head, scanned - 3, in.position()) >= 0) {
                headLength = in.position();
                return head;
            }
            scanned = in.position();
            if (!in.hasRemaining()) {
                if (head.length >= limits.maxHeaderBytes()) {
                    respond(HttpResponse.text(431, "request head larger than " + head.length + " bytes"), "head too large");
                    return null;
                }
                head = Arrays.copyOf(head, Math.min(head.length * 2, limits.maxHeaderBytes()));
                in = ByteBuffer.wrap(head).position(in.position());
            }
        }
    }


    /** Routes the request; returns true once the connection is a WebSocket. */
    private boolean upgrade(byte[] head, int end) throws IOException {
        HttpRequest request;
        try {
            request = HttpRequestParser.parse(head, end);
        } catch (HttpException e) {
            respond(e.response(), "malformed request");
            return false;
        }
        lastMethod = request.method();
        try {
            if (!Handshake.isUpgradeRequest(request)) {
                respond(router.serve(request, connection.listener()), null);
                return false;
            }
            Endpoint endpoint = router.endpointFor(request, connection.listener());
            // 10.2: the Origin header protects against unauthorized cross-origin use by browsers
            if (!admission.allowsOrigin(request.header("origin"))) {
                respond(HttpResponse.text(403, "origin not allowed"), "origin");
                return false;
            }
            if (endpoint == null) {
                respond(HttpResponse.text(404, "no WebSocket endpoint at " + request.path()), "unknown path");
                return false;
            }
            String accept = Handshake.accept(request);
            // The endpoint sees the connection before the client sees the 101, so that by the time the client
            // can send or be sent to it is in its registries (a broadcast member gets everything sent after its
            // open). Frames queued meanwhile wait for the writer, which starts once the 101 is written.
            connection.opened(request, endpoint);
            endpoint.onOpen(connection);
            writeFully(ByteBuffer.wrap(Handshake.switchingProtocols(accept)));
            connection.startWriter();
            LOG.log(Level.FINE, () -> "Connection " + connection + " upgraded on " + request.path());
            return true;
        } catch (HttpException e) {
            respond(e.response(), "status " + e.response().status());
            return false;
        }
    }

    /**
     * The read loop; {@link ReadBuffer} decides the buffer's size. Returns true when the connection was
     * parked (see {@link IdleParker}), false when it ended.
     */
    private boolean readFrames(boolean parkAtOnce) throws IOException {
        SocketChannel channel = connection.channel();
        if (parkAtOnce && parkTiming.enabled() && park(false)) {
            // A new connection waits for its first message in the parker: one that stays idle never costs a
            // blocked thread's stack, not even the one it would leave behind as garbage when parked later.
            return true;
        }
        boolean quiet = parkTiming.enabled(); // a new or resumed connection has been quiet
        InputStream timed = null;
        while (true) {
            int n;
            if (quiet) {
                if (timed == null) {
                    timed = timedInput(channel, parkTiming.readTimeoutNs());
                }
                n = readTimed(timed);
                if (n == TIMED_OUT) {
                    if (parkIfIdle(true)) {
                        return true;
                    }
                    // Its writer was mid-batch, or a frame came in between: wait longer before trying again,
                    // so that a large busy audience does not time out every few seconds.
                    parkTiming.parkFailed();
                    channel.socket().setSoTimeout(timeoutMs(parkTiming.readTimeoutNs()));
                    continue;
                }
            } else {
                n = channel.read(buffer.input());
            }
            if (n < 0) {
                return false;
            }
            long now = clock.nanoTime();
            long gap = now - connection.lastReadAtNs;
            quiet = parkTiming.timeNextRead(gap);
            connection.lastReadAtNs = now;
            connection.pingSentAtNs = 0;
            if (discarding) {
                buffer.discard();
                continue;
            }
            buffer.consumed(decode(buffer.array(), 0, buffer.length()), n, now);
            if (parkTiming.slowEnoughToPark(gap) && connection.context().parker().hasRoomInPlace()
                    && parkIfIdle(false)) {
                return true; // a slow client: the parker routes its messages from now on
            }
        }
    }

    /** The socket's own stream, whose reads time out (the channel's never do). */
    private static InputStream timedInput(SocketChannel channel, long timeoutNs) throws IOException {
        Socket socket = channel.socket();
        socket.setSoTimeout(timeoutMs(timeoutNs));
        return socket.getInputStream();
    }

    private static int timeoutMs(long ns) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, ns / 1_000_000));
    }

    /** Reads into the buffer like {@code channel.read}, or returns {@link #TIMED_OUT}. */
    private int readTimed(InputStream in) throws IOException {
        ByteBuffer into = buffer.input();
        try {
            int n = in.read(into.array(), into.arrayOffset() + into.position(), into.remaining());
            if (n > 0) {
                into.position(into.position() + n);
            }
            return n;
        } catch (SocketTimeoutException e) {
            return TIMED_OUT;
        }
    }

    /**
     * After a whole park time without reading, or a run of slow reads: if no message is half read, hands the
     * connection to the {@link IdleParker} and lets this thread end. The client may still be sent to (a
     * listener): the parker writes to parked connections, so a writer thread that is between batches is let
     * go first.
     */
    private boolean parkIfIdle(boolean afterTimeout) throws IOException {
        ConnectionWriter writer = connection.writer();
        if (writer.hasThread()) {
            if (!writer.retireIfIdleSince(clock.nanoTime())) {
                return false; // mid-batch: try again after the next timeout
            }
            for (int waited = 0; writer.hasThread() && waited < WRITER_EXIT_WAIT_MS; waited++) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return park(afterTimeout);
    }

    /**
     * Hands the connection to the {@link IdleParker} if nothing is half read, no writer thread exists and
     * nothing is queued; true when it did, and this thread must end.
     */
    private boolean park(boolean afterTimeout) throws IOException {
        if (discarding || buffer.length() > 0 || !connection.isOpen() || !connection.writer().claimForPark()) {
            return false;
        }
        try {
            connection.channel().configureBlocking(false);
        } catch (IOException e) {
            connection.writer().resumeAfterPark();
            throw e;
        }
        buffer = null;
        parkTiming.parked(clock.nanoTime(), afterTimeout);
        connection.context().parker().park(connection);
        return true;
    }

    /**
     * Decodes and routes frames the parker read while the connection has no thread of its own (see
     * {@link IdleParker}); the parker's thread runs the endpoint's callbacks. True when the connection may
     * stay parked: everything was consumed and it is still open and in good standing.
     */
    boolean handleWhileParked(byte[] bytes, int offset, int length) {
        long now = clock.nanoTime();
        connection.lastReadAtNs = now;
        connection.pingSentAtNs = 0;
        int consumed = decode(bytes, offset, length);
        if (consumed < length) {
            connection.resumeBytes = Arrays.copyOfRange(bytes, offset + consumed, offset + length);
            return false;
        }
        return !discarding && connection.isOpen();
    }

    /** Feeds bytes to the frame reader; a violation fails the connection and switches to discarding. */
    private int decode(byte[] bytes, int offset, int length) {
        try {
            return frames.read(bytes, offset, length);
        } catch (ProtocolException e) {
            LOG.log(Level.FINE, () -> "Failing " + connection + " with " + e.closeCode() + ": " + e.getMessage());
            // Answers to the valid messages before the violation still go out, then the Close (Autobahn 3.2
            // expects the echo); the queue is bounded and the close timeout ends a peer that stops reading.
            connection.sendClose(e.closeCode(), e.getMessage(), false);
            discarding = true;
            return length;
        } catch (RuntimeException e) {
            // An endpoint failed on this message (a bug, not the peer's fault). 7.4.1: 1011, the server met an
            // unexpected condition; a Close tells the client so, where dropping the socket would look like 1006.
            LOG.log(Level.WARNING, "endpoint failed on " + connection + "; closing it with 1011", e);
            connection.sendClose(CloseCode.INTERNAL_ERROR, "internal error", false);
            discarding = true;
            return length;
        }
    }

    /**
     * Sends a final HTTP response, then half-closes and reads until the client closes its side. Closing at
     * once would leave the unread rest of the request (an oversized head, a body) in our receive buffer, and
     * closing a socket with unread data sends RST, which can destroy the response before the client reads
     * it. The drain is bounded in bytes here and in time by the handshake timeout.
     */
    private void respond(HttpResponse response, String failure) throws IOException {
        if (failure != null) {
            connection.context().metrics().countHandshakeFailure(failure);
            LOG.log(Level.FINE, () -> "Refused " + connection + ": " + response.status() + " " + response.bodyText());
        }
        writeFully(ByteBuffer.wrap(response.toBytes(!"HEAD".equals(lastMethod))));
        SocketChannel channel = connection.channel();
        channel.shutdownOutput();
        ByteBuffer sink = ByteBuffer.allocate(4096);
        long drained = 0;
        while (drained < MAX_DRAIN_BYTES) {
            int n = channel.read(sink.clear());
            if (n < 0) {
                return;
            }
            drained += n;
        }
    }

    private void writeFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            connection.channel().write(buffer);
        }
    }

    // ---- MessageHandler: complete messages from the assembler ----

    @Override
    public void onText(byte[] bytes, int offset, int length) {
        route(true, bytes, offset, length);
    }

    @Override
    public void onBinary(byte[] bytes, int offset, int length) {
        route(false, bytes, offset, length);
    }

    /** Hands a complete message to the endpoint; parked recipients are served by one parker wake-up after it. */
    private void route(boolean text, byte[] bytes, int offset, int length) {
        if (!admit(length)) {
            return;
        }
        long start = admittedAtNs;
        IdleParker parker = connection.context().parker();
        parker.holdWakeups();
        try {
            if (text) {
                connection.endpoint().onText(connection, bytes, offset, length);
            } else {
                connection.endpoint().onBinary(connection, bytes, offset, length);
            }
        } finally {
            parker.releaseWakeups();
        }
        connection.context().metrics().routingLatency.recordNs(clock.nanoTime() - start);
    }

    /** Counts a message and applies the rate limits; false when it must not be delivered. */
    private boolean admit(int length) {
        if (!connection.isOpen()) {
            return false;
        }
        Metrics metrics = connection.context().metrics();
        ProtocolCounters counters = connection.counters();
        counters.messagesIn.increment();
        counters.bytesIn.add(length);
        long now = clock.nanoTime();
        admittedAtNs = now; // also the start of the routing-latency measurement
        boolean overMessages = messageRate != null && !messageRate.tryTake(1, now);
        if (overMessages || (byteRate != null && !byteRate.tryTake(length, now))) {
            metrics.rateLimited.increment();
            String reason = overMessages
                    ? "rate limit: more than " + admission.maxMessagesPerSecond() + " messages/s"
                    : "rate limit: more than " + admission.maxBytesPerSecond() + " bytes/s";
            LOG.log(Level.INFO, () -> "Closing " + connection + ": " + reason);
            connection.sendClose(CloseCode.POLICY_VIOLATION, reason, true);
            discarding = true;
            return false;
        }
        return true;
    }

    @Override
    public void onPing(byte[] bytes, int offset, int length) {
        // 5.5.2: upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response
        if (!connection.isCloseSent()) {
            connection.writer().offerPong(FrameWriter.encode(Opcode.PONG, bytes, offset, length));
        }
    }

    @Override
    public void onPong(byte[] bytes, int offset, int length) {
        // 5.5.3: an unsolicited Pong serves as a heartbeat; no response is expected. Liveness is already noted.
    }

    @Override
    public void onClose(int code, byte[] reason, int offset, int length) {
        connection.closingReceived();
        connection.recordCloseCode(code);
        // 5.5.1: the endpoint sends a Close in response, typically echoing the status code it received
        byte[] echo = new byte[code == CloseCode.NO_STATUS ? 0 : 2 + length];
        if (echo.length > 0) {
            echo[0] = (byte) (code >>> 8);
            echo[1] = (byte) code;
            System.arraycopy(reason, offset, echo, 2, length);
        }
        // 5.5.1: a peer that sent Close still receives what was queued for it before our Close
        connection.sendClosePayload(code, echo, false);
        discarding = true;
    }
}
