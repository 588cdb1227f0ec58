package relay.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import relay.config.Admission;
import relay.config.Limits;
import relay.config.ListenerSpec;
import relay.metrics.Metrics;
import relay.testing.TestClient;
import relay.ws.HttpRequest;

/**
 * The sweeper's timeouts on an injected clock, without sleeping: handshake timeout, ping after the idle
 * interval, drop after the pong timeout, liveness resetting it, the close timeout, and Pings to parked
 * connections found due together going out spread over the period (the scheduler runs the pacer's
 * batches when the test says) while the others' go out right after the pass.
 * Real-time behaviour over sockets is in LifecycleIT and HandshakeIT.
 */
@Timeout(10)
class IdleSweeperTest {
    static final long MS = 1_000_000;
    static final Limits LIMITS = new Limits(1 << 20, 8192, 1_000, 2_000, 3_000, 4_000, 16, 1 << 20, 4096);

    long now = 1_000 * MS;
    final ManualScheduler scheduler = new ManualScheduler();
    final NetContext context = new NetContext(LIMITS, new Metrics(), new ConnectionRegistry(),
            new WriteBufferPool(1024, 4), () -> now, scheduler, new AdmissionControl(Admission.defaults()), IdleParker.disabled());
    final IdleSweeper sweeper = new IdleSweeper(context);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
        context.connections().forEach(Connection::abort);
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
    void pingsToParkedConnectionsFoundDueTogetherGoOutSpreadOverThePeriod() throws IOException {
        List<Connection> fleet = parkedConnections(50);
        long dueAt = now += 2_001 * MS;
        sweeper.run();
        // period 250 ms in 10 ms batches: 25 batches of 2, the first in the pass itself
        assertEquals(48, sweeper.pingsWaiting());
        assertTrue(fleet.stream().allMatch(c -> c.pingSentAtNs == dueAt), "all marked, none queued twice");
        long later = now += 7 * MS;
        for (int batch = 1; batch <= 24; batch++) {
            scheduler.runNext();
            assertEquals(48 - 2 * batch, sweeper.pingsWaiting());
            assertEquals(2 * batch, fleet.stream().filter(c -> c.pingSentAtNs == later).count(),
                    "the pong timeout counts from each Ping as it goes out");
            assertEquals(2 + 2 * batch, fleet.stream().filter(c -> c.writer().pingPending()).count());
        }
        assertEquals(0, scheduler.tasks.size(), "nothing left to send");
        sweeper.run();
        assertEquals(0, sweeper.pingsWaiting(), "pinged connections are not queued again");
    }

    @Test
    void pingsToConnectionsThatAreNotParkedGoOutRightAfterThePass() throws IOException, InterruptedException {
        List<Connection> fleet = openConnections(50);
        List<Connection> parked = parkedConnections(50);
        long dueAt = now += 2_001 * MS;
        sweeper.run();
        assertTrue(fleet.stream().allMatch(c -> c.pingSentAtNs == dueAt), "all marked in the pass");
        // offered from a virtual thread started after the pass, so that their writers queue on a carrier
        TestClient.await("every Ping offered", () -> fleet.stream().allMatch(c -> c.writer().pingPending()));
        assertEquals(48, sweeper.pingsWaiting(), "only the parked ones wait for their batch");
        assertEquals(2, parked.stream().filter(c -> c.writer().pingPending()).count());
    }

    @Test
    void aConnectionThatSpeaksOrClosesBeforeItsTurnIsNotPinged() throws IOException {
        List<Connection> fleet = parkedConnections(50);
        now += 2_001 * MS;
        sweeper.run();
        Connection closed = fleet.get(0);
        closed.close(1000, "bye");
        long spokeAt = now += 7 * MS;
        for (Connection c : fleet.subList(1, 50)) {
            c.lastReadAtNs = spokeAt; // what the reader does on every read
            c.pingSentAtNs = 0;
        }
        sweeper.run();
        assertEquals(1, scheduler.tasks.size(), "one stream of batches, not a second one per pass");
        while (!scheduler.tasks.isEmpty()) {
            scheduler.runNext();
        }
        assertTrue(fleet.subList(1, 50).stream().allMatch(c -> c.pingSentAtNs == 0), "no Ping to a peer that spoke");
        assertEquals(2, fleet.stream().filter(c -> c.writer().pingPending()).count(),
                "only the first batch, written in the pass before they spoke");
        assertTrue(closed.pingSentAtNs != spokeAt, "no Ping after the Close");
    }

    /** Open connections whose readers have parked them: the parker would write to them. */
    List<Connection> parkedConnections(int n) throws IOException {
        List<Connection> fleet = openConnections(n);
        for (Connection c : fleet) {
            c.startWriter(); // the 101 is out
            assertTrue(c.writer().claimForPark());
        }
        return fleet;
    }

    List<Connection> openConnections(int n) throws IOException {
        List<Connection> fleet = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fleet.add(openConnection());
        }
        return fleet;
    }

    /** Holds what is scheduled until the test runs it, so the pacer's batches go out one by one. */
    static final class ManualScheduler extends ScheduledThreadPoolExecutor {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

        ManualScheduler() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
            tasks.add(task);
            return null;
        }

        void runNext() {
            tasks.remove().run();
        }
    }

    @Test
    void sweepsEveryQuarterOfTheShortestTimeoutWithinBounds() {
        assertEquals(250, IdleSweeper.periodMs(LIMITS));
        assertEquals(1000, IdleSweeper.periodMs(Limits.defaults()));
        assertEquals(10, IdleSweeper.periodMs(new Limits(1 << 20, 8192, 5, 5, 5, 5, 16, 1 << 20, 4096)));
    }
}
