package relay.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import relay.metrics.Metrics;
import relay.testing.RawClient;
import relay.testing.TestClient;
import relay.testing.TestServer;

/**
 * A connection's life over real sockets: idle connections are pinged and dropped when they stay silent,
 * a peer that never answers our Close is dropped after the close timeout, thousands of connections come
 * and go without leaving anything registered, and shutdown closes everyone with 1001 within its bound.
 */
@Timeout(60)
class LifecycleIT {
    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void pingsAnIdleConnectionAndDropsItWhenItNeverAnswers() throws Exception {
        try (TestServer server = TestServer.start(c -> c.withLimits(TestServer.limits(10_000, 200, 300, 5_000)));
             RawClient raw = RawClient.upgraded(server.port(), "/echo")) {
            RawClient.Frame ping = raw.readFrame();
            assertEquals(0x9, ping.opcode(), "a ping after 200 ms of silence");
            long pingedAt = System.nanoTime();
            assertTrue(raw.serverClosesConnection(), "dropped when the pong does not come");
            long ms = (System.nanoTime() - pingedAt) / 1_000_000;
            assertTrue(ms >= 250 && ms < 3_000, "dropped after the 300 ms pong timeout, took " + ms + " ms");
            TestClient.await("connection released", () -> server.server().connections().size() == 0);
            assertEquals(0, server.server().metrics().connectionsOpen.sum());
        }
    }

    @Test
    void keepsAConnectionThatAnswersEveryPing() throws Exception {
        // a generous pong timeout: this test is about answering, not about how fast a loaded CI machine answers
        try (TestServer server = TestServer.start(c -> c.withLimits(TestServer.limits(10_000, 150, 1_500, 5_000)));
             RawClient raw = RawClient.upgraded(server.port(), "/echo")) {
            for (int pings = 0; pings < 4; pings++) {
                RawClient.Frame ping = raw.readFrame();
                assertEquals(0x9, ping.opcode());
                raw.write(RawClient.frame(0x8A, ping.payload())); // 5.5.3: the Pong echoes the Ping's data
            }
            // four ping intervals later, still open and echoing
            raw.write(RawClient.frame(0x81, utf8("alive")));
            RawClient.Frame echo = raw.readFrame();
            while (echo.opcode() == 0x9) {
                raw.write(RawClient.frame(0x8A, echo.payload()));
                echo = raw.readFrame();
            }
            assertEquals("alive", echo.text());
            assertEquals(1, server.server().connections().size());
        }
    }

    @Test
    void keepsAJdkClientWhichAnswersPingsByItself() throws Exception {
        try (TestServer server = TestServer.start(c -> c.withLimits(TestServer.limits(10_000, 100, 1_500, 5_000)));
             TestClient client = TestClient.connect(server.uri("/echo"))) {
            client.expectNothing(1_000); // ten ping intervals
            client.send("still open");
            assertEquals("still open", client.nextText());
        }
    }

    @Test
    void dropsAPeerThatNeverAnswersAFailureClose() throws Exception {
        try (TestServer server = TestServer.start(c -> c.withLimits(TestServer.limits(10_000, 20_000, 20_000, 300)));
             RawClient raw = RawClient.upgraded(server.port(), "/echo")) {
            raw.write(RawClient.frame(0xC1, utf8("rsv1")));
            assertEquals(1002, raw.readClose().closeCode());
            long closedAt = System.nanoTime();
            // the client keeps its socket open and never sends its Close
            TestClient.await("dropped after the close timeout", () -> server.server().connections().size() == 0);
            long ms = (System.nanoTime() - closedAt) / 1_000_000;
            assertTrue(ms >= 200 && ms < 3_000, "dropped after the 300 ms close timeout, took " + ms + " ms");
            assertTrue(raw.serverClosesConnection());
        }
    }

    @Test
    void dropsAPeerThatNeverAnswersAGracefulClose() throws Exception {
        try (TestServer server = TestServer.start(c -> c.withLimits(TestServer.limits(10_000, 20_000, 20_000, 300)));
             RawClient raw = RawClient.upgraded(server.port(), "/echo")) {
            TestClient.await("registered", () -> server.server().connections().size() == 1);
            server.server().connections().forEach(c -> {
                for (int reserved : new int[] {1005, 1006, 1015, 999, 2000}) {
                    assertThrows(IllegalArgumentException.class, () -> c.close(reserved, ""), "7.4: never sent");
                }
                c.close(1000, "bye");
            });
            RawClient.Frame close = raw.readClose();
            assertEquals(1000, close.closeCode());
            TestClient.await("dropped after the close timeout", () -> server.server().connections().size() == 0);
            assertEquals(1L, server.server().metrics().closesByCode().get(1000));
        }
    }

    @Test
    void opensAndClosesThousandsOfConnectionsAndLeavesNothingRegistered() throws Exception {
        int total = 2_000;
        int batch = 100;
        try (TestServer server = TestServer.start(); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Metrics metrics = server.server().metrics();
            long acceptedBefore = metrics.connectionsAccepted.sum();
            for (int start = 0; start < total; start += batch) {
                List<Future<?>> running = new ArrayList<>();
                for (int i = start; i < start + batch; i++) {
                    int n = i;
                    running.add(pool.submit(() -> {
                        oneConnection(server.port(), n);
                        return null;
                    }));
                }
                for (Future<?> f : running) {
                    f.get(30, TimeUnit.SECONDS);
                }
            }
            TestClient.await("every connection released", () -> server.server().connections().size() == 0);
            TestClient.await("open gauge back to zero", () -> metrics.connectionsOpen.sum() == 0);
            assertEquals(total, metrics.connectionsAccepted.sum() - acceptedBefore);
            Map<Integer, Long> closes = metrics.closesByCode();
            long upgraded = total - total / 4; // every fourth connection never upgrades
            TestClient.await("every upgraded connection counted once",
                    () -> metrics.closesByCode().values().stream().mapToLong(Long::longValue).sum() == upgraded);
            closes = metrics.closesByCode();
            assertEquals(total / 4, closes.get(1000), "clean closes: " + closes);
            assertEquals(total / 4, closes.get(1006), "abrupt ends: " + closes);
            assertEquals(total / 4, closes.get(1002), "failed connections: " + closes);
        }
    }

    /** One short life, by kind: clean close, abrupt end, protocol failure, or a handshake that never finishes. */
    private static void oneConnection(int port, int n) throws IOException {
        switch (n % 4) {
            case 0 -> {
                try (RawClient raw = RawClient.upgraded(port, "/echo")) {
                    raw.write(RawClient.frame(0x81, utf8("#" + n)));
                    assertEquals("#" + n, raw.readFrame().text());
                    raw.write(RawClient.closeFrame(1000, ""));
                    assertEquals(1000, raw.readClose().closeCode());
                    assertTrue(raw.serverClosesConnection());
                }
            }
            case 1 -> {
                try (RawClient raw = RawClient.upgraded(port, "/echo")) {
                    raw.write(RawClient.frame(0x82, new byte[] {(byte) n}));
                    assertArrayEquals(new byte[] {(byte) n}, raw.readFrame().payload());
                } // socket closed without a Close frame
            }
            case 2 -> {
                try (RawClient raw = RawClient.upgraded(port, "/echo")) {
                    raw.write(RawClient.frame(0x83, utf8("reserved")));
                    assertEquals(1002, raw.readClose().closeCode());
                    assertTrue(raw.serverClosesConnection());
                }
            }
            default -> {
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    socket.getOutputStream().write(utf8("GET /echo HTTP/1.1\r\nHost: x\r\n"));
                } // gone before the head was complete
            }
        }
    }

    @Test
    void shutdownClosesEveryConnectionWith1001WithinTheShutdownTimeout() throws Exception {
        TestServer server = TestServer.start();
        List<TestClient> clients = new ArrayList<>();
        try (RawClient answering = RawClient.upgraded(server.port(), "/echo");
             RawClient silent = RawClient.upgraded(server.port(), "/echo")) {
            for (int i = 0; i < 3; i++) {
                clients.add(TestClient.connect(server.uri("/echo")));
            }
            TestClient.await("all registered", () -> server.server().connections().size() == 5);
            long start = System.nanoTime();
            Thread closer = Thread.ofVirtual().start(server::close);
            for (TestClient client : clients) {
                client.expectClose(1001);
            }
            assertEquals(1001, answering.readClose().closeCode());
            answering.write(RawClient.closeFrame(1001, ""));
            assertTrue(answering.serverClosesConnection());
            assertEquals(1001, silent.readClose().closeCode()); // and never answers
            closer.join(10_000);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(!closer.isAlive(), "close() returned");
            assertTrue(ms < 5_000, "bounded by the 2 s shutdown timeout, took " + ms + " ms");
            TestClient.await("nothing left", () -> server.server().connections().size() == 0);
            assertTrue(silent.serverClosesConnection(), "the silent peer is dropped at the deadline");
        } finally {
            for (TestClient c : clients) {
                c.abort();
            }
            server.close();
        }
    }
}
