package relay.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import relay.config.Admission;
import relay.config.Limits;
import relay.config.ListenerSpec;
import relay.metrics.Metrics;
import relay.testing.RawClient;
import relay.testing.TestClient;
import relay.ws.FrameWriter;
import relay.ws.HttpRequest;
import relay.ws.HttpResponse;
import relay.ws.Opcode;

/** One connection's reader over a loopback socket with an endpoint of the test's own: what endpoint failures do. */
@Timeout(20)
class ConnectionReaderIT {
    @Test
    void closesWith1011WhenTheEndpointThrowsAndCallsOnCloseOnce() throws Exception {
        AtomicInteger closes = new AtomicInteger();
        Endpoint failing = new Endpoint() {
            @Override
            public void onText(Connection c, byte[] bytes, int offset, int length) {
                if (new String(bytes, offset, length, StandardCharsets.UTF_8).equals("boom")) {
                    throw new IllegalStateException("endpoint bug");
                }
                c.send(FrameWriter.encode(Opcode.TEXT, bytes, offset, length));
            }

            @Override
            public void onBinary(Connection c, byte[] bytes, int offset, int length) {}

            @Override
            public void onClose(Connection c, int code) {
                closes.incrementAndGet();
            }
        };
        Router router = new Router() {
            @Override
            public Endpoint endpointFor(HttpRequest request, ListenerSpec listener) {
                return failing;
            }

            @Override
            public HttpResponse serve(HttpRequest request, ListenerSpec listener) {
                return HttpResponse.text(404, "none");
            }
        };
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        NetContext context = new NetContext(Limits.defaults(), new Metrics(), new ConnectionRegistry(),
                new WriteBufferPool(1024, 4), NanoClock.SYSTEM, scheduler, new AdmissionControl(Admission.defaults()), IdleParker.disabled());
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            try (RawClient raw = connectAsync(port, listener, context, router)) {
                raw.write(RawClient.frame(0x81, "before".getBytes(StandardCharsets.UTF_8)));
                assertEquals("before", raw.readFrame().text());
                raw.write(RawClient.frame(0x81, "boom".getBytes(StandardCharsets.UTF_8)));
                RawClient.Frame close = raw.readClose();
                assertEquals(1011, close.closeCode());
                raw.write(RawClient.closeFrame(1011, ""));
                assertTrue(raw.serverClosesConnection());
            }
            TestClient.await("released once", () -> context.connections().size() == 0 && closes.get() == 1);
            assertEquals(1L, context.metrics().closesByCode().get(1011));
        } finally {
            scheduler.shutdownNow();
        }
    }

    /** Connects a raw client while this thread accepts the socket and starts its reader, as the Listener does. */
    private static RawClient connectAsync(int port, ServerSocketChannel listener, NetContext context, Router router) throws Exception {
        Thread acceptor = Thread.ofVirtual().start(() -> {
            try {
                SocketChannel channel = listener.accept();
                Connection connection = new Connection(1, channel, ((InetSocketAddress) channel.getRemoteAddress()).getAddress(),
                        new ListenerSpec("127.0.0.1", port, "echo"), context);
                context.connections().add(connection);
                Thread.ofVirtual().start(new ConnectionReader(connection, router));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        RawClient raw = RawClient.upgraded(port, "/anything");
        acceptor.join();
        return raw;
    }
}
