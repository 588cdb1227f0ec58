package relay.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import relay.config.Admission;
import relay.config.Limits;
import relay.proto.booth.BoothEndpoint;
import relay.proto.carparty.CarpartyEndpoint;
import relay.proto.signaling.SignalingEndpoint;
import relay.testing.RawClient;
import relay.testing.TestClient;
import relay.testing.TestServer;

/**
 * issue 7 "Faults": a peer that vanishes without a FIN, half-closes, resets or stops reading is detected, its
 * resources are freed and its partners are told as its protocol says (protocols.md). The faulty peer is a
 * {@link RawClient} (a plain socket that does only what the test says); its partners are JDK clients, which
 * answer relay's pings by themselves.
 */
@Timeout(60)
class PeerFaultsIT {
    /** Ping after 500 ms of silence, drop 500 ms after an unanswered ping. */
    private static TestServer quickPings() throws Exception {
        return TestServer.start(c -> c.withLimits(TestServer.limits(10_000, 500, 500, 1_000)));
    }

    @Test
    void aBoothThatVanishesWithoutFinIsDroppedAfterItsPingAndItsScannerHearsBoothDisconnected() throws Exception {
        try (TestServer server = quickPings();
             TestClient scanner = TestClient.connect(server.uri("/booth"));
             RawClient booth = RawClient.upgraded(server.port(), "/booth")) {
            booth.sendText("{\"type\":\"register_booth\",\"booth_id\":\"B1\"}");
            assertTrue(booth.readFrame().text().contains("registration_success"));
            scanner.sendJson("type", "connect_scanner", "booth_id", "B1");
            assertEquals("connection_success", scanner.nextJson().get("type"));
            // From here the booth neither reads nor answers relay's pings: a peer behind a dead NAT or cable.
            Map<String, Object> notice = scanner.nextJson();
            assertEquals("booth_disconnected", notice.get("type"));
            assertEquals("B1", notice.get("booth_id"));
            BoothEndpoint endpoint = (BoothEndpoint) server.server().protocol("booth");
            TestClient.await("the booth's connection released", () -> server.server().connections().size() == 1);
            assertEquals(0, endpoint.booths(), "B1 is free");
            assertEquals(1L, server.server().metrics().closesByCode().getOrDefault(1006, 0L), "recorded as dropped");
            assertTrue(booth.serverClosesConnection(), "the vanished booth's socket is closed");
        }
    }

    @Test
    void aCarpartyClientThatVanishesWithoutFinIsDroppedAndTheGameServerHearsDisconnect() throws Exception {
        try (TestServer server = quickPings();
             TestClient game = TestClient.connect(server.uri("/carparty"));
             RawClient phone = RawClient.upgraded(server.port(), "/carparty")) {
            CarpartyEndpoint carparty = (CarpartyEndpoint) server.server().protocol("carparty");
            game.sendJson("action", "login_server", "server_code", "ROOM1");
            TestClient.await("the game server logged in", () -> carparty.rooms() == 1);
            phone.sendText("{\"action\":\"login_client\",\"server_code\":\"ROOM1\",\"client_id\":\"p1\"}");
            assertEquals(Map.of("action", "connect", "client_id", "p1"), game.nextJson());
            // the phone goes silent: no reads, no pongs
            assertEquals(Map.of("action", "disconnect", "client_id", "p1"), game.nextJson());
            TestClient.await("the phone's connection released", () -> server.server().connections().size() == 1);
            assertEquals(0, carparty.clients());
            assertTrue(phone.serverClosesConnection());
        }
    }

    @Test
    void aSignalingPeerThatHalfClosesIsReleasedAndItsRoomHearsPeerLeft() throws Exception {
        try (TestServer server = TestServer.start();
             TestClient pc = TestClient.connect(server.uri("/signaling"));
             RawClient phone = RawClient.upgraded(server.port(), "/signaling")) {
            pc.sendJson("type", "register", "client_id", "pc", "room_id", "r");
            assertEquals("registered", pc.nextJson().get("type"));
            phone.sendText("{\"type\":\"register\",\"client_id\":\"phone\",\"room_id\":\"r\"}");
            assertTrue(phone.readFrame().text().contains("\"registered\""));
            assertEquals("peer_joined", pc.nextJson().get("type"));

            phone.halfClose(); // FIN without a Close frame; the phone still reads
            assertEquals(Map.of("type", "peer_left", "client_id", "phone"), pc.nextJson());
            assertTrue(phone.serverClosesConnection(), "relay ends its side too");
            SignalingEndpoint signaling = (SignalingEndpoint) server.server().protocol("signaling");
            TestClient.await("the phone's connection released", () -> server.server().connections().size() == 1);
            assertEquals(1, signaling.roomCount(), "the room is kept for the pc");
            assertEquals(1L, server.server().metrics().closesByCode().getOrDefault(1006, 0L), "ended without a Close");
        }
    }

    @Test
    void aGameServerThatResetsItsConnectionFreesItsCodeAndItsClientsAreClosedWith1001() throws Exception {
        try (TestServer server = TestServer.start();
             TestClient phone = TestClient.connect(server.uri("/carparty"))) {
            CarpartyEndpoint carparty = (CarpartyEndpoint) server.server().protocol("carparty");
            RawClient game = RawClient.upgraded(server.port(), "/carparty");
            game.sendText("{\"action\":\"login_server\",\"server_code\":\"ROOM2\"}");
            TestClient.await("the game server logged in", () -> carparty.rooms() == 1);
            phone.sendJson("action", "login_client", "server_code", "ROOM2", "client_id", "p1");
            assertTrue(game.readFrame().text().contains("\"connect\""));

            game.reset(); // RST: the process died, the kernel answers for it
            TestClient.Closed closed = phone.awaitClose();
            assertEquals(1001, closed.code());
            assertEquals("game server disconnected", closed.reason());
            TestClient.await("every connection released", () -> server.server().connections().size() == 0);
            assertEquals(0, carparty.rooms());
            // the code is free at once: a new game server can take it
            try (TestClient again = TestClient.connect(server.uri("/carparty"))) {
                again.sendJson("action", "login_server", "server_code", "ROOM2");
                again.expectNothing(300);
                assertTrue(!again.isClosed(), "ROOM2 is free again");
            }
        }
    }

    @Test
    void aCarpartyClientThatStopsReadingIsClosedWith1013WhileTheOthersGetEveryBroadcastInOrder() throws Exception {
        int messages = 600;
        int window = 8;
        try (TestServer server = TestServer.start(c -> c.withLimits(smallQueues(c.limits())).withAdmission(noRateLimits(c.admission())));
             TestClient game = TestClient.connect(server.uri("/carparty"));
             RawClient stuck = RawClient.upgraded(server.port(), "/carparty", 4096);
             TestClient a = TestClient.connect(server.uri("/carparty"));
             TestClient b = TestClient.connect(server.uri("/carparty"))) {
            CarpartyEndpoint carparty = (CarpartyEndpoint) server.server().protocol("carparty");
            game.sendJson("action", "login_server", "server_code", "RACE");
            TestClient.await("the game server logged in", () -> carparty.rooms() == 1);
            stuck.sendText("{\"action\":\"login_client\",\"server_code\":\"RACE\",\"client_id\":\"stuck\"}");
            assertEquals("stuck", game.nextJson().get("client_id"));
            a.sendJson("action", "login_client", "server_code", "RACE", "client_id", "a");
            assertEquals("a", game.nextJson().get("client_id"));
            b.sendJson("action", "login_client", "server_code", "RACE", "client_id", "b");
            assertEquals("b", game.nextJson().get("client_id"));

            // 600 x 16 KiB: far more than the stuck client's socket buffers plus its 1 MiB queue
            String padding = "p".repeat(16 * 1024);
            for (int i = 0; i < messages; i += window) {
                for (int j = i; j < i + window; j++) {
                    game.send("{\"seq\":" + j + ",\"pad\":\"" + padding + "\"}");
                }
                for (TestClient client : List.of(a, b)) {
                    for (int j = i; j < i + window; j++) {
                        assertEquals((long) j, client.nextJson().get("seq"), "broadcast order");
                    }
                }
            }
            TestClient.await("the stuck client closed with 1013",
                    () -> server.server().metrics().closesByCode().getOrDefault(1013, 0L) == 1);
            assertEquals(1, server.server().metrics().queueOverflows.sum(), "counted as a queue overflow");
            assertEquals(Map.of("action", "disconnect", "client_id", "stuck"), game.nextJson());
            game.send("{\"after\":true}");
            assertEquals(Boolean.TRUE, a.nextJson().get("after"));
            assertEquals(Boolean.TRUE, b.nextJson().get("after"));
            assertEquals(2, carparty.clients());
        }
    }

    /** 256 messages or 1 MiB per peer, and a short close timeout so that the stuck peer is dropped soon. */
    private static Limits smallQueues(Limits l) {
        return new Limits(l.maxMessageBytes(), l.maxHeaderBytes(), l.handshakeTimeoutMs(), l.pingIntervalMs(),
                l.pongTimeoutMs(), 500, 256, 1 << 20, l.readBufferBytes());
    }

    private static Admission noRateLimits(Admission a) {
        return new Admission(a.maxConnections(), a.maxConnectionsPerIp(), a.maxHandshakesInFlight(), 0, 0,
                a.maxFragmentsPerMessage(), a.allowedOrigins());
    }
}
