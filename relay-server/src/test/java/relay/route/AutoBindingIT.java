package relay.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import relay.config.ListenerSpec;
import relay.config.RelayConfig;
import relay.testing.RawClient;
import relay.testing.TestClient;
import relay.testing.TestServer;

/**
 * The binding rules of protocols.md "Endpoints and listeners" end to end: path, query, first frame, the
 * studio idle window and the unbound error, on one auto listener; and fixed-mode listeners.
 */
@Timeout(60)
class AutoBindingIT {
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}");
    private static final Map<String, Object> WELCOME = Map.of("message", "Connected to Studio WebSocket Server", "status", "ready");

    private static void assertUnboundError(String message, Map<String, Object> reply) {
        assertEquals("error", reply.get("type"));
        assertEquals(message, reply.get("message"));
        assertTrue(TIMESTAMP.matcher((String) reply.get("timestamp")).matches(), "timestamp " + reply.get("timestamp"));
    }

    @Test
    void rule5AnswersWhatNoRuleFitsAndLeavesTheConnectionUnbound() throws Exception {
        long windowMs = 1000; // wide enough that even a slow test client speaks within it
        try (TestServer server = TestServer.start(c -> c.withStudio(null, windowMs));
                TestClient client = TestClient.connect(server.uri("/"))) {
            client.send("not json");
            assertUnboundError("Invalid JSON message", client.nextJson());
            client.send("[1,2]");
            assertUnboundError("Message must be a JSON object", client.nextJson());
            client.send("{\"type\":\"hello\"}");
            assertUnboundError("Unknown message type: hello", client.nextJson());
            client.send("{\"text\":\"hi\"}");
            assertUnboundError("Unknown message type: None", client.nextJson());
            client.send("{\"type\":true}");
            assertUnboundError("Unknown message type: True", client.nextJson()); // Python's str(), as the seeds printed it
            client.send("{\"type\":[1,\"a\",null]}");
            assertUnboundError("Unknown message type: [1, 'a', None]", client.nextJson());
            client.sendBinary("{\"type\":\"register\",\"client_id\":\"pc\"}".getBytes());
            assertUnboundError("Invalid JSON message", client.nextJson());
            // it has spoken, so no studio welcome comes after the idle window
            client.expectNothing(windowMs + 300);
            // still unbound: a later frame that fits a rule binds it
            client.sendJson("type", "register", "client_id", "pc");
            assertEquals("registered", client.nextJson().get("type"));
            assertEquals(Map.of("type", "error", "message", "Missing client_id"),
                    client.sendJson("type", "register").nextJson(), "bound for good: signaling's own errors now");
        }
    }

    @Test
    void rule4WelcomesASilentClientAfterTheIdleWindowOnly() throws Exception {
        long windowMs = 400;
        try (TestServer server = TestServer.start(c -> c.withStudio(null, windowMs))) {
            long start = System.nanoTime();
            try (TestClient silent = TestClient.connect(server.uri("/"))) {
                assertEquals(WELCOME, silent.nextJson());
                long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(waitedMs >= windowMs - 50, "welcome after " + waitedMs + " ms");
                // studio's now: what it sends is its authentication
                silent.sendJson("client_id", "pc");
                assertEquals(new TestClient.Closed(1008, "Missing authentication parameters"), silent.awaitClose());
            }
            try (TestClient quick = TestClient.connect(server.uri("/"))) {
                quick.sendJson("type", "register", "client_id", "pc");
                assertEquals("registered", quick.nextJson().get("type"));
                quick.expectNothing(windowMs + 200);
            }
        }
    }

    @Test
    void aSlowClientOfAnotherSeedIsBoundByItsFrameEvenAfterTheWelcome() throws Exception {
        try (TestServer server = TestServer.start(c -> c.withStudio(null, 50))) {
            try (TestClient slow = TestClient.connect(server.uri("/"))) { // seed 004
                assertEquals(WELCOME, slow.nextJson());
                slow.sendJson("type", "register", "client_id", "pc");
                assertEquals(Map.of("type", "registered", "client_id", "pc", "room_id", "default", "peers", List.of()), slow.nextJson());
            }
            try (TestClient slow = TestClient.connect(server.uri("/"))) { // seed 000
                assertEquals(WELCOME, slow.nextJson());
                slow.sendJson("type", "register_booth", "booth_id", "booth_001");
                assertEquals("registration_success", slow.nextJson().get("type"));
            }
            // seed 003 shares port 8080 with seed 001: a slow game server and a slow player still meet
            try (TestClient game = TestClient.connect(server.uri("/")); TestClient player = TestClient.connect(server.uri("/"))) {
                assertEquals(WELCOME, game.nextJson());
                assertEquals(WELCOME, player.nextJson());
                game.sendJson("action", "login_server", "server_code", "SNEK");
                game.expectNothing(100);
                player.sendJson("action", "login_client", "server_code", "SNEK", "client_id", "467123746");
                assertEquals(Map.of("action", "connect", "client_id", "467123746"), game.nextJson());
            }
            // while a greeted client whose first frame is no other seed's is studio's, as rule 4 says
            try (TestClient studio = TestClient.connect(server.uri("/"))) {
                assertEquals(WELCOME, studio.nextJson());
                studio.sendJson("id", "ARO-001_dealerPC", "token", "MY_TOKEN");
                assertEquals("ARO-001", studio.nextJson().get("TABLE_ID"));
            }
        }
    }

    /** The next message, skipping a studio welcome that a client slower than the idle window may get first. */
    private static Map<String, Object> nextAfterAnyWelcome(TestClient client) throws InterruptedException {
        Map<String, Object> message = client.nextJson();
        return message.equals(WELCOME) ? client.nextJson() : message;
    }

    @Test
    void rule1PathsBindWhateverTheFirstFrame() throws Exception {
        try (TestServer server = TestServer.start()) {
            try (TestClient studio = TestClient.connect(server.uri("/studio"))) {
                assertEquals(WELCOME, studio.nextJson(), "no idle window on /studio");
                studio.sendJson("type", "register", "client_id", "pc");
                TestClient.Closed closed = studio.awaitClose();
                assertEquals(1008, closed.code());
                assertEquals("Missing authentication parameters", closed.reason());
            }
            try (TestClient signaling = TestClient.connect(server.uri("/signaling"))) {
                signaling.sendJson("id", "ARO-001_dealerPC", "token", "t");
                signaling.expectNothing(RelayConfig.DEFAULT_STUDIO_IDLE_WINDOW_MS * 2); // no type: signaling ignores it
                signaling.send("{\"type\":\"register\",\"client_id\":\"pc\"}");
                assertEquals("registered", signaling.nextJson().get("type"));
            }
            try (RawClient raw = new RawClient(server.port())) {
                String head = raw.request("GET /chat HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: " + RawClient.KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n");
                assertTrue(head.startsWith("HTTP/1.1 404"), head);
            }
        }
    }

    @Test
    void rule2QueryWithIdAndTokenIsAnAuthenticatedStudioClient() throws Exception {
        try (TestServer server = TestServer.start();
                TestClient client = TestClient.connect(server.uri("/?token=t&id=ARO-007_dealerPC"))) {
            Map<String, Object> status = client.nextJson();
            assertEquals("ARO-007", status.get("TABLE_ID"));
            assertEquals(List.copyOf(status.keySet()), List.of("TABLE_ID", "UPTIME", "TIMESTAMP", "MAINTENANCE", "SDP", "IDP",
                    "BROKER", "ZCam", "ROULETTE", "SHAKER", "BARCODE_SCANNER", "NFC_SCANNER"));
        }
    }

    @Test
    void rule3FirstFrameConflictsBetweenSignalingAndStudio() throws Exception {
        try (TestServer server = TestServer.start()) {
            try (TestClient both = TestClient.connect(server.uri("/"))) {
                // a signaling register that also carries id and token: type decides
                both.sendJson("type", "register", "client_id", "pc", "id", "ARO-001_x", "token", "t");
                assertEquals("registered", nextAfterAnyWelcome(both).get("type"));
            }
            try (TestClient studio = TestClient.connect(server.uri("/"))) {
                // a type no rule knows, with id and token: studio
                studio.sendJson("type", "status", "id", "ARO-001_x", "token", "t");
                assertEquals(WELCOME, studio.nextJson());
                assertEquals("ARO-001", studio.nextJson().get("TABLE_ID"));
            }
        }
    }

    @Test
    void rule3FirstFrameConflictsWithBoothAndCarparty() throws Exception {
        try (TestServer server = TestServer.start()) {
            try (TestClient booth = TestClient.connect(server.uri("/"))) {
                booth.sendJson("type", "ping", "id", "ARO-001_x", "token", "t");
                assertEquals("pong", nextAfterAnyWelcome(booth).get("type"));
            }
            try (TestClient server1 = TestClient.connect(server.uri("/"))) {
                server1.sendJson("action", "login_server", "server_code", "C1", "id", "a", "token", "t");
                server1.expectNothing(RelayConfig.DEFAULT_STUDIO_IDLE_WINDOW_MS * 2); // carparty: nothing sent back
                // Connected only now: a client silent for the idle window would be greeted as studio (rule 4).
                TestClient client = TestClient.connect(server.uri("/"));
                client.sendJson("action", "login_client", "server_code", "C1", "client_id", "p1", "id", "ARO-001_x", "token", "t");
                assertEquals(Map.of("action", "connect", "client_id", "p1"), server1.nextJson());
                client.close();
            }
        }
    }

    @Test
    void fixedModeListenersServeOneProtocolOnEveryPath() throws Exception {
        try (TestServer server = TestServer.start(c -> c.withListeners(List.of(
                new ListenerSpec("127.0.0.1", 0, "signaling"), new ListenerSpec("127.0.0.1", 0, "studio"))))) {
            int signalingPort = server.server().port(0);
            int studioPort = server.server().port(1);
            try (TestClient signaling = TestClient.connect(java.net.URI.create("ws://127.0.0.1:" + signalingPort + "/studio"))) {
                signaling.sendJson("type", "register", "client_id", "pc");
                assertEquals("registered", signaling.nextJson().get("type"));
            }
            long start = System.nanoTime();
            try (TestClient studio = TestClient.connect(java.net.URI.create("ws://127.0.0.1:" + studioPort + "/"))) {
                assertEquals(WELCOME, studio.nextJson());
                assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(2000));
            }
        }
    }

    /** Studio and signaling clients of the seeds, all on path / of one listener, all at once. */
    @Test
    void studioAndSignalingClientsBindConcurrentlyOnOneListener() throws Exception {
        try (TestServer server = TestServer.start(); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Callable<Void>> clients = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                clients.add(() -> {
                    try (TestClient studio = TestClient.connect(server.uri("/"))) {
                        assertEquals(WELCOME, studio.nextJson());
                        studio.sendJson("id", "T" + n + "_dev", "token", "t");
                        assertEquals("T" + n, studio.nextJson().get("TABLE_ID"));
                    }
                    return null;
                });
                clients.add(() -> {
                    try (TestClient pc = TestClient.connect(server.uri("/"))) {
                        pc.sendJson("type", "register", "client_id", "pc" + n, "room_id", "room" + n);
                        assertEquals("registered", nextAfterAnyWelcome(pc).get("type"));
                        pc.expectNothing(RelayConfig.DEFAULT_STUDIO_IDLE_WINDOW_MS * 2);
                    }
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(clients)) {
                f.get();
            }
        }
    }

    /**
     * All five protocols on one auto listener at once, as the seeds' clients reach it: booth, carparty,
     * signaling and a silent studio client on path /, broadcast on /ws/relay/; several of each concurrently.
     */
    @Test
    void allFiveProtocolsBindConcurrentlyOnOneListener() throws Exception {
        try (TestServer server = TestServer.start(); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Callable<Void>> clients = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int n = i;
                clients.add(() -> { // seed 000
                    try (TestClient booth = TestClient.connect(server.uri("/"));
                            TestClient scanner = TestClient.connect(server.uri("/"))) {
                        booth.sendJson("type", "register_booth", "booth_id", "booth_" + n);
                        assertEquals("registration_success", nextAfterAnyWelcome(booth).get("type"));
                        scanner.sendJson("type", "connect_scanner", "booth_id", "booth_" + n);
                        assertEquals("scanner_connected", booth.nextJson().get("type"));
                        assertEquals("connection_success", nextAfterAnyWelcome(scanner).get("type"));
                        scanner.sendJson("type", "relay_message", "data", Map.of("scan", n));
                        Map<String, Object> relayed = booth.nextJson();
                        assertEquals("message_from_scanner", relayed.get("type"));
                        assertEquals(Map.of("scan", (long) n), relayed.get("data"));
                    }
                    return null;
                });
                clients.add(() -> { // seed 001, the original client: silent until welcomed
                    try (TestClient studio = TestClient.connect(server.uri("/"))) {
                        assertEquals(WELCOME, studio.nextJson());
                        studio.sendJson("id", "T" + n + "_dealerPC", "token", "MY_TOKEN");
                        assertEquals("T" + n, studio.nextJson().get("TABLE_ID"));
                        studio.sendJson("sdp", "up");
                        assertEquals(Map.of("status", "updated", "table_id", "T" + n), studio.nextJson());
                    }
                    return null;
                });
                clients.add(() -> { // seed 002
                    try (TestClient member = TestClient.connect(server.uri("/ws/relay/room" + n + "/"))) {
                        member.send("{\"type\":\"message\",\"text\":\"hi " + n + "\"}");
                        assertEquals("{\"type\":\"message\",\"text\":\"hi " + n + "\"}", member.nextText());
                    }
                    return null;
                });
                clients.add(() -> { // seed 003
                    try (TestClient game = TestClient.connect(server.uri("/"))) {
                        game.sendJson("action", "login_server", "server_code", "GAME" + n);
                        // the game server's login has no reply: a player that logs in too early is refused; retry
                        List<Object> received = new ArrayList<>();
                        TestClient player = null;
                        long deadline = System.nanoTime() + TestClient.TIMEOUT.toNanos();
                        while (received.isEmpty() && System.nanoTime() < deadline) {
                            if (player == null || player.isClosed()) {
                                player = TestClient.connect(server.uri("/"));
                                player.sendJson("action", "login_client", "server_code", "GAME" + n, "client_id", "p" + n);
                            }
                            Thread.sleep(5);
                            for (Object m : game.drain()) {
                                Object message = relay.json.Json.parse((String) m);
                                if (!message.equals(WELCOME)) {
                                    received.add(message);
                                }
                            }
                        }
                        assertEquals(List.of(Map.of("action", "connect", "client_id", "p" + n)), received);
                        player.close();
                    }
                    return null;
                });
                clients.add(() -> { // seed 004
                    try (TestClient pc = TestClient.connect(server.uri("/"));
                            TestClient android = TestClient.connect(server.uri("/"))) {
                        pc.sendJson("type", "register", "client_id", "pc" + n, "room_id", "room" + n, "client_type", "pc");
                        assertEquals(List.of(), nextAfterAnyWelcome(pc).get("peers"));
                        android.sendJson("type", "register", "client_id", "android" + n, "room_id", "room" + n, "client_type", "android");
                        assertEquals(List.of("pc" + n), nextAfterAnyWelcome(android).get("peers"));
                        assertEquals("peer_joined", pc.nextJson().get("type"));
                        pc.sendJson("type", "offer", "target_id", "android" + n, "sdp", Map.of("sdp", "v=0"));
                        assertEquals(Map.of("type", "offer", "sender_id", "pc" + n, "sdp", Map.of("sdp", "v=0")), android.nextJson());
                    }
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(clients)) {
                f.get();
            }
        }
    }
}
