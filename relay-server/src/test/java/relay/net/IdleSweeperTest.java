package relay.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import relay.config.Admission;
import relay.config.Limits;
import relay.config.ListenerSpec;
import relay.metrics.Metrics;
import relay.ws.HttpRequest;

/**
 * The sweeper's timeouts on an injected clock, without sleeping: handshake timeout, ping after the idle
 * interval, drop after the pong timeout, liveness resetting it, and the close timeout. Real-time behaviour
 * over sockets is in LifecycleIT and HandshakeIT.
 */
@Timeout(10)
class IdleSweeperTest {
    static final long MS = 1_000_000;
    static final Limits LIMITS = new Limits(1 << 20, 8192, 1_000, 2_000, 3_000, 4_000, 16, 1 << 20, 4096);

    long now = 1_000 * MS;
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    final NetContext context = new NetContext(LIMITS, new Metrics(), new ConnectionRegistry(),
            new WriteBufferPool(1024, 4), () -> now, scheduler, new AdmissionControl(Admission.defaults()), IdleParker.disabled());
    final IdleSweeper sweeper = new IdleSweeper(context);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    Connection connection() throws IOException {
        Connection c = new Connection(1, SocketChannel.open(), null, new ListenerSpec("127.0.0.1", 0, "echo"), context);
        context.connections().add(c);
        return c;
    }

    Connection openConnection() throws IOException {
        Connection c = connection();
        c.opened(new HttpRequest("GET", "/echo", "HTTP/1.1", Map.of("host", List.of("x"))), new Endpoint() {
            @Override
            public void onText(Connection connection, byte[] bytes, int offset, int length) {}

            @Override
            public void onBinary(Connection connection, byte[] bytes, int offset, int length) {}
        });
        return c;
    }

    @Test
    void dropsAHandshakeThatTakesLongerThanTheTimeoutAndCountsItOnce() throws IOException {
        Connection c = connection();
        now += 1_000 * MS;
        sweeper.run();
        assertTrue(c.channel().isOpen(), "exactly at the limit is still in time");
        now += 1 * MS;
        sweeper.run();
        assertFalse(c.channel().isOpen());
        sweeper.run();
        assertEquals(1L, context.metrics().handshakeFailures().get("timeout"));
    }

    @Test
    void pingsAfterTheIdleIntervalAndDropsAfterThePongTimeout() throws IOException {
        Connection c = openConnection();
        now += 2_000 * MS;
        sweeper.run();
        assertEquals(0, c.pingSentAtNs, "not yet idle for longer than the interval");
        now += 1 * MS;
        sweeper.run();
        assertEquals(now, c.pingSentAtNs, "pinged");
        long pingedAt = now;
        now = pingedAt + 3_000 * MS;
        sweeper.run();
        assertTrue(c.channel().isOpen(), "the pong still has time");
        now += 1 * MS;
        sweeper.run();
        assertFalse(c.channel().isOpen(), "dropped after the pong timeout");
    }

    @Test
    void anyInboundBytesResetTheIdleClock() throws IOException {
        Connection c = openConnection();
        now += 2_001 * MS;
        sweeper.run();
        assertTrue(c.pingSentAtNs != 0);
        // what the reader does on every read
        c.lastReadAtNs = now;
        c.pingSentAtNs = 0;
        now += 2_000 * MS;
        sweeper.run();
        assertEquals(0, c.pingSentAtNs);
        assertTrue(c.channel().isOpen());
    }

    @Test
    void dropsAPeerThatDoesNotAnswerTheCloseInTime() throws IOException {
        Connection c = openConnection();
        c.close(1000, "bye");
        now += 4_000 * MS;
        sweeper.run();
        assertTrue(c.channel().isOpen());
        now += 1 * MS;
        sweeper.run();
        assertFalse(c.channel().isOpen(), "dropped after the close timeout");
    }

    @Test
    void sweepsEveryQuarterOfTheShortestTimeoutWithinBounds() {
        assertEquals(250, IdleSweeper.periodMs(LIMITS));
        assertEquals(1000, IdleSweeper.periodMs(Limits.defaults()));
        assertEquals(10, IdleSweeper.periodMs(new Limits(1 << 20, 8192, 5, 5, 5, 5, 16, 1 << 20, 4096)));
    }
}
