package relay.config;

import java.util.Set;

/**
 * Who may connect and how much each connection may send: the abuse limits of an internet-facing relay.
 * Every value has one flag (relay.cli.Main) and one default here; 0 turns a limit off where noted.
 *
 * @param maxConnections open sockets in all; beyond it new handshakes get 503
 * @param maxConnectionsPerIp open sockets per source address; beyond it new handshakes get 429 (0: off)
 * @param maxHandshakesInFlight sockets accepted but not yet upgraded; beyond it new ones get 503
 * @param maxMessagesPerSecond sustained messages per connection; beyond it the connection closes with 1008 (0: off)
 * @param maxBytesPerSecond sustained payload bytes per connection; beyond it 1008 (0: off)
 * @param maxFragmentsPerMessage frames in one fragmented message; beyond it 1009
 * @param allowedOrigins browser Origins allowed to upgrade (403 otherwise); empty allows every Origin
 * @param carpartySecret what a CarParty {@code login_server} must carry in {@code secret}; null: no check (the
 *     original's behaviour, the default)
 * @param signalingSecret what a signaling {@code register} must carry in {@code secret}; null: no check (default)
 */
public record Admission(
        int maxConnections,
        int maxConnectionsPerIp,
        int maxHandshakesInFlight,
        int maxMessagesPerSecond,
        long maxBytesPerSecond,
        int maxFragmentsPerMessage,
        Set<String> allowedOrigins,
        SharedSecret carpartySecret,
        SharedSecret signalingSecret) {

    /** Above the 100,000 idle connections relay is sized for, below what 24 GiB and a raised fd limit hold. */
    public static final int DEFAULT_MAX_CONNECTIONS = 250_000;
    /** Generous: a venue's phones share one NAT address (CarParty); stops one host from taking everything. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 10_000;
    /** Bounds slowloris: each pending handshake holds an 8 KiB head buffer until its 10 s timeout. */
    public static final int DEFAULT_MAX_HANDSHAKES_IN_FLIGHT = 4096;
    /** 50x the busiest seed traffic (a CarParty server at ~100 msg/s); bursts of one second's worth. */
    public static final int DEFAULT_MAX_MESSAGES_PER_SECOND = 5000;
    /** 16 MiB/s per connection: sixteen maximum-size messages a second. */
    public static final long DEFAULT_MAX_BYTES_PER_SECOND = 16L << 20;
    /** Browsers and the seeds' clients never fragment; 256 pieces leave room for streaming senders. */
    public static final int DEFAULT_MAX_FRAGMENTS_PER_MESSAGE = 256;

    public Admission {
        allowedOrigins = Set.copyOf(allowedOrigins);
        if (maxConnections <= 0 || maxHandshakesInFlight <= 0 || maxFragmentsPerMessage <= 0) {
            throw new IllegalArgumentException("connection, handshake and fragment limits must be positive");
        }
        if (maxConnectionsPerIp < 0 || maxMessagesPerSecond < 0 || maxBytesPerSecond < 0) {
            throw new IllegalArgumentException("per-IP and rate limits must be 0 (off) or positive");
        }
    }

    /** Without shared secrets (the default: original clients know none). */
    public Admission(int maxConnections, int maxConnectionsPerIp, int maxHandshakesInFlight, int maxMessagesPerSecond,
                     long maxBytesPerSecond, int maxFragmentsPerMessage, Set<String> allowedOrigins) {
        this(maxConnections, maxConnectionsPerIp, maxHandshakesInFlight, maxMessagesPerSecond, maxBytesPerSecond,
                maxFragmentsPerMessage, allowedOrigins, null, null);
    }

    public Admission withSecrets(SharedSecret carparty, SharedSecret signaling) {
        return new Admission(maxConnections, maxConnectionsPerIp, maxHandshakesInFlight, maxMessagesPerSecond,
                maxBytesPerSecond, maxFragmentsPerMessage, allowedOrigins, carparty, signaling);
    }

    public static Admission defaults() {
        return new Admission(DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_IP, DEFAULT_MAX_HANDSHAKES_IN_FLIGHT,
                DEFAULT_MAX_MESSAGES_PER_SECOND, DEFAULT_MAX_BYTES_PER_SECOND, DEFAULT_MAX_FRAGMENTS_PER_MESSAGE, Set.of());
    }

    /** Whether a browser with this Origin header (null when absent: not a browser) may upgrade. */
    public boolean allowsOrigin(String origin) {
        return origin == null || allowedOrigins.isEmpty() || allowedOrigins.contains(origin);
    }
}
