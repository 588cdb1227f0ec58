package relay.testing;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.function.UnaryOperator;
import relay.Server;
import relay.config.Limits;
import relay.config.ListenerSpec;
import relay.config.RelayConfig;

/** An in-process relay on an ephemeral loopback port, closed by try-with-resources. */
public final class TestServer implements AutoCloseable {
    private final Server server;

    private TestServer(RelayConfig config) throws IOException {
        this.server = new Server(config).start();
    }

    public static TestServer start() throws IOException {
        return start(c -> c);
    }

    /** Starts with the default test configuration adjusted by {@code tweak}. */
    public static TestServer start(UnaryOperator<RelayConfig> tweak) throws IOException {
        RelayConfig base = new RelayConfig(List.of(new ListenerSpec("127.0.0.1", 0, ListenerSpec.AUTO)),
                Limits.defaults(), null, RelayConfig.DEFAULT_STUDIO_IDLE_WINDOW_MS, 2_000);
        return new TestServer(tweak.apply(base));
    }

    /** Default limits with the given timeouts, for {@code start(c -> c.withLimits(...))}. */
    public static Limits limits(long handshakeTimeoutMs, long pingIntervalMs, long pongTimeoutMs, long closeTimeoutMs) {
        Limits d = Limits.defaults();
        return new Limits(d.maxMessageBytes(), d.maxHeaderBytes(), handshakeTimeoutMs, pingIntervalMs, pongTimeoutMs,
                closeTimeoutMs, d.outboundMaxMessages(), d.outboundMaxBytes(), d.readBufferBytes());
    }

    /** A listener in one mode, on an ephemeral port. */
    public static TestServer startMode(String mode) throws IOException {
        return start(c -> new RelayConfig(List.of(new ListenerSpec("127.0.0.1", 0, mode)), c.limits(), c.studioTokens(),
                c.studioIdleWindowMs(), c.shutdownTimeoutMs()));
    }

    public Server server() {
        return server;
    }

    public int port() {
        return server.port();
    }

    public URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port() + path);
    }

    public URI http(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    @Override
    public void close() {
        server.close();
    }
}
