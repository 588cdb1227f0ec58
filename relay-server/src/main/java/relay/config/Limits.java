package relay.config;

/**
 * Per-connection limits and timeouts of the WebSocket layer. Every value has one flag (see relay.cli.Main)
 * and one default here, with where the default comes from.
 */
public record Limits(
        int maxMessageBytes,
        int maxHeaderBytes,
        long handshakeTimeoutMs,
        long pingIntervalMs,
        long pongTimeoutMs,
        long closeTimeoutMs,
        int outboundMaxMessages,
        long outboundMaxBytes,
        int readBufferBytes,
        long idleParkMs,
        int parkedMessagesPerSecond) {

    /** Issue 2: 1 MiB, large enough for the 64 KiB messages of the seeds with a wide margin. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;
    /** Issue 2: 8 KiB of request head, like nginx's default large_client_header_buffers entry. */
    public static final int DEFAULT_MAX_HEADER_BYTES = 8 * 1024;
    /** A complete upgrade request must arrive within 10 s (slowloris defence). */
    public static final long DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
    /** protocols.md: ping idle connections every 20 s ... */
    public static final long DEFAULT_PING_INTERVAL_MS = 20_000;
    /** ... and close those that do not answer within 20 s (seed 000/004's websockets library defaults). */
    public static final long DEFAULT_PONG_TIMEOUT_MS = 20_000;
    /** RFC 6455 7.1.1 leaves the wait for the peer's Close to us; 5 s, as Jetty's default idle close. */
    public static final long DEFAULT_CLOSE_TIMEOUT_MS = 5_000;
    /** Messages queued for one peer before it counts as too slow and is closed with 1013. */
    public static final int DEFAULT_OUTBOUND_MAX_MESSAGES = 4096;
    /** Bytes queued for one peer before it counts as too slow (4 MiB: four maximum-size messages). */
    public static final long DEFAULT_OUTBOUND_MAX_BYTES = 4L << 20;
    /**
     * Largest socket read: a connection reads into 512 bytes and doubles up to this while reads fill its
     * buffer (bulk traffic), so it bounds the read size, not idle memory and not message size.
     */
    public static final int DEFAULT_READ_BUFFER_BYTES = 64 * 1024;
    /**
     * A connection whose client has sent nothing for this long gives up its threads and waits in the idle
     * parker (relay.net.IdleParker), which also writes what is sent to it: about half an idle connection's
     * memory, and no thread hand-off per delivery to a listener. 5 s: well past the gaps of chatty
     * clients, well short of the 20 s ping interval. 0 keeps every connection on its thread.
     */
    public static final long DEFAULT_IDLE_PARK_MS = 5_000;
    /**
     * A parked connection's messages are routed by the idle parker's own thread, as an event loop routes them,
     * while its client sends at most this many a second; a faster one is resumed onto its own reader thread.
     * 50: well above a game client's input rate or a scanner's, well below what one thread can route. 0
     * resumes a parked connection for every message.
     */
    public static final int DEFAULT_PARKED_MESSAGES_PER_SECOND = 50;

    public static Limits defaults() {
        return new Limits(DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_HEADER_BYTES, DEFAULT_HANDSHAKE_TIMEOUT_MS,
                DEFAULT_PING_INTERVAL_MS, DEFAULT_PONG_TIMEOUT_MS, DEFAULT_CLOSE_TIMEOUT_MS,
                DEFAULT_OUTBOUND_MAX_MESSAGES, DEFAULT_OUTBOUND_MAX_BYTES, DEFAULT_READ_BUFFER_BYTES,
                DEFAULT_IDLE_PARK_MS, DEFAULT_PARKED_MESSAGES_PER_SECOND);
    }

    /** All limits but the idle-park time, which takes its default. */
    public Limits(int maxMessageBytes, int maxHeaderBytes, long handshakeTimeoutMs, long pingIntervalMs,
                  long pongTimeoutMs, long closeTimeoutMs, int outboundMaxMessages, long outboundMaxBytes,
                  int readBufferBytes) {
        this(maxMessageBytes, maxHeaderBytes, handshakeTimeoutMs, pingIntervalMs, pongTimeoutMs, closeTimeoutMs,
                outboundMaxMessages, outboundMaxBytes, readBufferBytes, DEFAULT_IDLE_PARK_MS);
    }

    /** All limits but the parker's message rate, which takes its default. */
    public Limits(int maxMessageBytes, int maxHeaderBytes, long handshakeTimeoutMs, long pingIntervalMs,
                  long pongTimeoutMs, long closeTimeoutMs, int outboundMaxMessages, long outboundMaxBytes,
                  int readBufferBytes, long idleParkMs) {
        this(maxMessageBytes, maxHeaderBytes, handshakeTimeoutMs, pingIntervalMs, pongTimeoutMs, closeTimeoutMs,
                outboundMaxMessages, outboundMaxBytes, readBufferBytes, idleParkMs, DEFAULT_PARKED_MESSAGES_PER_SECOND);
    }

    public Limits {
        positive("max message bytes", maxMessageBytes);
        positive("max header bytes", maxHeaderBytes);
        positive("handshake timeout", handshakeTimeoutMs);
        positive("ping interval", pingIntervalMs);
        positive("pong timeout", pongTimeoutMs);
        positive("close timeout", closeTimeoutMs);
        positive("outbound max messages", outboundMaxMessages);
        positive("outbound max bytes", outboundMaxBytes);
        if (readBufferBytes < 256) {
            throw new IllegalArgumentException("read buffer must be at least 256 bytes");
        }
        if (idleParkMs < 0) {
            throw new IllegalArgumentException("idle park time must not be negative (0 turns parking off)");
        }
        if (parkedMessagesPerSecond < 0) {
            throw new IllegalArgumentException(
                    "parked messages per second must not be negative (0 resumes for every message)");
        }
    }

    private static void positive(String what, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive");
        }
    }
}
