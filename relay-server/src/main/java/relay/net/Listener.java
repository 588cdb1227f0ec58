package relay.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import relay.config.ListenerSpec;
import relay.ws.HttpResponse;

/**
 * One listening socket and its accept loop (a virtual thread). Every accepted socket gets a
 * {@link Connection} and a virtual thread that runs its {@link ConnectionReader}. When accept fails for a
 * reason other than shutdown (out of file descriptors, say) the loop backs off, logs once per interval and
 * carries on.
 */
public final class Listener {
    private static final Logger LOG = Logger.getLogger("relay.Server");
    private static final AtomicLong IDS = new AtomicLong();
    /** Pending connections the kernel may hold before accept; raised from the JDK's 50 for bursts. */
    public static final int DEFAULT_BACKLOG = 4096;
    private static final long ACCEPT_BACKOFF_MS = 50;
    private static final long FAILURE_LOG_INTERVAL_NS = 10_000_000_000L;

    private final ListenerSpec spec;
    private final Router router;
    private final NetContext context;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private long lastFailureLogNs;

    public Listener(ListenerSpec spec, Router router, NetContext context) throws IOException {
        this.spec = spec;
        this.router = router;
        this.context = context;
        this.server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        server.bind(new InetSocketAddress(spec.host(), spec.port()), DEFAULT_BACKLOG);
        this.acceptor = Thread.ofVirtual().name("accept-" + spec.port()).unstarted(this::acceptLoop);
    }

    public void start() {
        acceptor.start();
    }

    /** The port actually bound (differs from the spec when it asked for port 0). */
    public int port() {
        return ((InetSocketAddress) server.socket().getLocalSocketAddress()).getPort();
    }

    public ListenerSpec spec() {
        return spec;
    }

    /** Stops accepting; open connections are left to the server's shutdown. */
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing listener failed", e);
        }
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                backOff(e.getMessage());
                continue;
            }
            try {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                InetSocketAddress remote = (InetSocketAddress) channel.getRemoteAddress();
                HttpResponse refusal = context.admission().admit(remote.getAddress());
                if (refusal != null) {
                    context.metrics().countHandshakeFailure("refused_" + refusal.status());
                    Thread.ofVirtual().start(() -> Refusal.send(channel, refusal));
                    continue;
                }
                Connection connection = new Connection(IDS.incrementAndGet(), channel, remote.getAddress(), spec, context);
                context.connections().add(connection);
                context.metrics().connectionsAccepted.increment();
                if (!server.isOpen()) {
                    // Accepted just as shutdown closed the listener: shutdown's pass over the registry may
                    // already be over, so end this one here (its reader then releases it).
                    connection.abortNow();
                }
                connection.startReading(router);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "failed to set up an accepted connection", e);
                closeQuietly(channel);
            } catch (OutOfMemoryError e) {
                // Memory pressure: shed this connection and pause, rather than let the accept loop die.
                closeQuietly(channel);
                backOff("out of memory");
            }
        }
    }

    private void backOff(String cause) {
        long now = context.clock().nanoTime();
        if (now - lastFailureLogNs > FAILURE_LOG_INTERVAL_NS) {
            lastFailureLogNs = now;
            LOG.warning("accept failed on " + spec + " (" + cause + "); backing off");
        }
        try {
            Thread.sleep(ACCEPT_BACKOFF_MS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }
}
