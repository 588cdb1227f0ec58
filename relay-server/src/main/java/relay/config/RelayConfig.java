package relay.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything a server is started with. Built once from the command line (relay.cli.Main) or by tests, then
 * read-only.
 *
 * @param listeners the sockets to listen on, at least one
 * @param limits per-connection limits and timeouts
 * @param studioTokens the studio token file, or null to accept any non-empty token (protocols.md)
 * @param studioIdleWindowMs on auto listeners, how long a silent connection waits before it is bound to studio
 * @param shutdownTimeoutMs how long SIGTERM waits for connections to finish their closing handshakes
 * @param admission connection, rate and origin limits
 * @param cluster how to join other nodes over Redis, or null for a single node that never touches Redis
 */
public record RelayConfig(
        List<ListenerSpec> listeners,
        Limits limits,
        Path studioTokens,
        long studioIdleWindowMs,
        long shutdownTimeoutMs,
        Admission admission,
        ClusterConfig cluster) {

    /** protocols.md rule 4: 150 ms, long enough for any client that speaks first to have spoken. */
    public static final long DEFAULT_STUDIO_IDLE_WINDOW_MS = 150;
    /** Long enough for healthy peers to answer a Close; short enough for a service manager's stop timeout. */
    public static final long DEFAULT_SHUTDOWN_TIMEOUT_MS = 5_000;
    public static final String DEFAULT_HOST = "0.0.0.0";
    /** Seeds 000 and 004 listened on 8765. */
    public static final int DEFAULT_PORT = 8765;

    public RelayConfig {
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("at least one listener is required");
        }
        listeners = List.copyOf(listeners);
    }

    /** A single node (no cluster). */
    public RelayConfig(List<ListenerSpec> listeners, Limits limits, Path studioTokens, long studioIdleWindowMs,
                       long shutdownTimeoutMs, Admission admission) {
        this(listeners, limits, studioTokens, studioIdleWindowMs, shutdownTimeoutMs, admission, null);
    }

    /** With default admission limits. */
    public RelayConfig(List<ListenerSpec> listeners, Limits limits, Path studioTokens, long studioIdleWindowMs,
                       long shutdownTimeoutMs) {
        this(listeners, limits, studioTokens, studioIdleWindowMs, shutdownTimeoutMs, Admission.defaults(), null);
    }

    /** A single auto listener with default limits, for tests and embedding. */
    public static RelayConfig of(String host, int port) {
        return new RelayConfig(List.of(new ListenerSpec(host, port, ListenerSpec.AUTO)), Limits.defaults(), null,
                DEFAULT_STUDIO_IDLE_WINDOW_MS, DEFAULT_SHUTDOWN_TIMEOUT_MS);
    }

    public RelayConfig withLimits(Limits newLimits) {
        return new RelayConfig(listeners, newLimits, studioTokens, studioIdleWindowMs, shutdownTimeoutMs, admission, cluster);
    }

    public RelayConfig withAdmission(Admission newAdmission) {
        return new RelayConfig(listeners, limits, studioTokens, studioIdleWindowMs, shutdownTimeoutMs, newAdmission, cluster);
    }

    public RelayConfig withCluster(ClusterConfig newCluster) {
        return new RelayConfig(listeners, limits, studioTokens, studioIdleWindowMs, shutdownTimeoutMs, admission, newCluster);
    }

    public RelayConfig withListeners(List<ListenerSpec> newListeners) {
        return new RelayConfig(newListeners, limits, studioTokens, studioIdleWindowMs, shutdownTimeoutMs, admission);
    }

    public RelayConfig withStudio(Path tokens, long idleWindowMs) {
        return new RelayConfig(listeners, limits, tokens, idleWindowMs, shutdownTimeoutMs, admission);
    }
}
