package relay.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import relay.config.Admission;
import relay.config.RelayConfig;
import relay.testing.RawClient;
import relay.testing.TestClient;
import relay.testing.TestServer;

/** The abuse limits of issue 7, each through real sockets: refusals at the handshake and closes afterwards. */
@Timeout(60)
class AdmissionIT {
    private static final String UPGRADE = "GET /echo HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: " + RawClient.KEY + "\r\nSec-WebSocket-Version: 13\r\n";

    private static UnaryOperator<RelayConfig> admission(int maxConnections, int perIp, int handshakes, int msgsPerSecond,
                                                        long bytesPerSecond, int fragments, Set<String> origins) {
        return c -> c.withAdmission(new Admission(maxConnections, perIp, handshakes, msgsPerSecond, bytesPerSecond,
                fragments, origins));
    }

    private static UnaryOperator<RelayConfig> defaultsWith(UnaryOperator<Admission> change) {
        return c -> c.withAdmission(change.apply(Admission.defaults()));
    }

    /** Waits for a send; false once the server has closed the connection under it. */
    private static boolean sent(java.util.concurrent.CompletableFuture<?> send) throws Exception {
        try {
            send.get(5, java.util.concurrent.TimeUnit.SECONDS);
            return true;
        } catch (java.util.concurrent.ExecutionException e) {
            return false;
        }
    }

    @Test
    void refusesWith503OverTheGlobalConnectionLimit() throws Exception {
        try (TestServer server = TestServer.start(admission(2, 0, 10, 0, 0, 8, Set.of()));
             TestClient a = TestClient.connect(server.uri("/echo"));
             TestClient b = TestClient.connect(server.uri("/echo"));
             RawClient third = new RawClient(server.port())) {
            String response = third.request(UPGRADE + "\r\n");
            assertTrue(response.startsWith("HTTP/1.1 503"), response);
            a.send("still served");
            assertEquals("still served", a.nextText());
        }
    }

    @Test
    void refusesWith429OverThePerAddressLimitAndFreesTheSlotOnClose() throws Exception {
        try (TestServer server = TestServer.start(admission(100, 1, 10, 0, 0, 8, Set.of()))) {
            TestClient first = TestClient.connect(server.uri("/echo"));
            try (RawClient second = new RawClient(server.port())) {
                assertTrue(second.request(UPGRADE + "\r\n").startsWith("HTTP/1.1 429"));
            }
            first.close();
            TestClient.await("the address's slot to be freed", () -> server.server().connections().size() == 0);
            try (TestClient again = TestClient.connect(server.uri("/echo"))) {
                again.send("back");
                assertEquals("back", again.nextText());
            }
        }
    }

    @Test
    void refusesWith503WhenTooManyHandshakesAreInFlight() throws Exception {
        try (TestServer server = TestServer.start(admission(100, 0, 1, 0, 0, 8, Set.of()));
             RawClient silent = new RawClient(server.port())) {
            TestClient.await("the silent socket to be accepted", () -> server.server().connections().size() == 1);
            try (RawClient next = new RawClient(server.port())) {
                assertTrue(next.request(UPGRADE + "\r\n").startsWith("HTTP/1.1 503"));
            }
        }
    }

    @Test
    void cutsOffASlowlorisThatSendsOneByteAtATime() throws Exception {
        try (TestServer server = TestServer.start(c -> c.withLimits(new relay.config.Limits(1 << 20, 8192, 300,
                20_000, 20_000, 5_000, 4096, 4L << 20, 4096)));
             RawClient slow = new RawClient(server.port())) {
            long start = System.nanoTime();
            boolean cut = false;
            for (byte b : UPGRADE.getBytes()) {
                try {
                    slow.write(new byte[] {b});
                } catch (IOException e) {
                    cut = true;
                    break;
                }
                Thread.sleep(50);
                if (System.nanoTime() - start > 3_000_000_000L) {
                    break;
                }
            }
            assertTrue(cut || slow.serverClosesConnection(), "slowloris socket still open");
            TestClient.await("the socket to be released", () -> server.server().connections().size() == 0);
        }
    }

    @Test
    void closesWith1008WhenAConnectionSendsFasterThanItsMessageRate() throws Exception {
        try (TestServer server = TestServer.start(defaultsWith(a -> new Admission(a.maxConnections(), 0,
                a.maxHandshakesInFlight(), 20, 0, 8, Set.of())));
             TestClient client = TestClient.connect(server.uri("/echo"))) {
            for (int i = 0; i < 60 && !client.isClosed(); i++) {
                // one send at a time: the JDK client fails a send issued while the previous one is pending
                if (!sent(client.socket().sendText("m" + i, true))) {
                    break;
                }
            }
            TestClient.Closed closed = client.awaitClose();
            assertEquals(1008, closed.code());
            assertTrue(closed.reason().contains("messages/s"), closed.reason());
            assertEquals(1, server.server().metrics().rateLimited.sum());
        }
    }

    @Test
    void closesWith1008WhenAConnectionSendsMoreBytesPerSecondThanAllowed() throws Exception {
        try (TestServer server = TestServer.start(admission(100, 0, 10, 0, 10_000, 8, Set.of()));
             TestClient client = TestClient.connect(server.uri("/echo"))) {
            byte[] chunk = new byte[4_000];
            for (int i = 0; i < 10 && !client.isClosed(); i++) {
                if (!sent(client.socket().sendBinary(java.nio.ByteBuffer.wrap(chunk), true))) {
                    break;
                }
            }
            TestClient.Closed closed = client.awaitClose();
            assertEquals(1008, closed.code());
            assertTrue(closed.reason().contains("bytes/s"), closed.reason());
        }
    }

    @Test
    void closesWith1009WhenAMessageHasTooManyFragments() throws Exception {
        try (TestServer server = TestServer.start(admission(100, 0, 10, 0, 0, 4, Set.of()));
             RawClient raw = RawClient.upgraded(server.port(), "/echo")) {
            raw.write(RawClient.frame(0x01, "a".getBytes()));
            for (int i = 0; i < 4; i++) {
                raw.write(RawClient.frame(0x00, "b".getBytes()));
            }
            assertEquals(1009, raw.readClose().closeCode());
            assertTrue(raw.serverClosesConnection());
        }
    }

    @Test
    void acceptsAMessageWithExactlyTheAllowedFragments() throws Exception {
        try (TestServer server = TestServer.start(admission(100, 0, 10, 0, 0, 3, Set.of()));
             RawClient raw = RawClient.upgraded(server.port(), "/echo")) {
            raw.write(RawClient.frame(0x01, "a".getBytes()));
            raw.write(RawClient.frame(0x00, "b".getBytes()));
            raw.write(RawClient.frame(0x80, "c".getBytes()));
            RawClient.Frame echoed = raw.readFrame();
            assertEquals("abc", echoed.text());
        }
    }

    @Test
    void refusesAForeignOriginWith403AndAdmitsAllowedOrNoOrigin() throws Exception {
        try (TestServer server = TestServer.start(admission(100, 0, 10, 0, 0, 8, Set.of("https://game.example")))) {
            try (RawClient foreign = new RawClient(server.port())) {
                assertTrue(foreign.request(UPGRADE + "Origin: https://evil.example\r\n\r\n").startsWith("HTTP/1.1 403"));
            }
            try (RawClient allowed = new RawClient(server.port())) {
                assertTrue(allowed.request(UPGRADE + "Origin: https://game.example\r\n\r\n").startsWith("HTTP/1.1 101"));
            }
            try (RawClient noOrigin = new RawClient(server.port())) {
                assertTrue(noOrigin.request(UPGRADE + "\r\n").startsWith("HTTP/1.1 101"));
            }
        }
    }
}
