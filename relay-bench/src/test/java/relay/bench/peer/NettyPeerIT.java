package relay.bench.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Map;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import relay.json.Json;

/**
 * The Netty peer over loopback, driven by the JDK's WebSocket client: the CarParty and booth/scanner
 * behaviour of {@code uws-server.js} that the load generator relies on, on the paths it uses and others.
 */
@Timeout(60)
class NettyPeerIT {
    private static final long WAIT_MS = 5_000;
    private static final long QUIET_MS = 300;

    private static NettyPeer peer;
    private static HttpClient http;

    @BeforeAll
    static void start() throws InterruptedException {
        peer = NettyPeer.start("127.0.0.1", 0, 2);
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        if (peer != null) {
            peer.close();
        }
    }

    @Test
    void carpartyLogsInBroadcastsTargetsInjectsClientIdAndAnnouncesDisconnects() throws Exception {
        Client server = connect("/carparty");
        server.send("{\"action\":\"login_server\",\"server_code\":\"room1\"}");
        Client a = loginClient(server, "/carparty", "{\"action\":\"login_client\",\"server_code\":\"room1\",\"client_id\":\"a\"}");
        assertEquals(Map.of("action", "connect", "client_id", "a"), server.nextJson());
        Client b = loginClient(server, "/", "{\"action\":\"login_client\",\"server_code\":\"room1\",\"client_id\":7}");
        assertEquals(Map.of("action", "connect", "client_id", 7L), server.nextJson());

        // broadcast: every client gets the game server's message verbatim
        server.send("{\"state\":[1,2,3],\"t\":\"x\"}");
        assertEquals("{\"state\":[1,2,3],\"t\":\"x\"}", a.next());
        assertEquals("{\"state\":[1,2,3],\"t\":\"x\"}", b.next());

        // receiver_id: only that client, matched as String(receiver_id) (7 and "7" meet)
        server.send("{\"receiver_id\":\"7\",\"hp\":3}");
        assertEquals("{\"receiver_id\":\"7\",\"hp\":3}", b.next());
        server.send("{\"receiver_id\":\"a\",\"hp\":4}");
        assertEquals("{\"receiver_id\":\"a\",\"hp\":4}", a.next());
        a.expectNothing();
        b.expectNothing();

        // client messages reach the game server with the login's client_id, replacing any the client set
        a.send("{\"input\":1}");
        assertEquals("{\"input\":1,\"client_id\":\"a\"}", server.next());
        b.send("{\"client_id\":\"spoofed\",\"input\":2}");
        assertEquals("{\"client_id\":7,\"input\":2}", server.next());

        a.ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(WAIT_MS, TimeUnit.MILLISECONDS);
        assertEquals(Map.of("action", "disconnect", "client_id", "a"), server.nextJson());

        // the game server leaving closes its clients
        server.ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(WAIT_MS, TimeUnit.MILLISECONDS);
        assertEquals(1000, b.closeCode());
    }

    @Test
    void carpartyClosesWith1008OnATakenCodeAnUnknownRoomOrAnUnknownFirstMessage() throws Exception {
        Client server = connect("/carparty");
        server.send("{\"action\":\"login_server\",\"server_code\":\"room2\"}");
        loginClient(server, "/carparty", "{\"action\":\"login_client\",\"server_code\":\"room2\",\"client_id\":\"c\"}");

        Client second = connect("/carparty");
        second.send("{\"action\":\"login_server\",\"server_code\":\"room2\"}");
        assertEquals(1008, second.closeCode());

        Client lost = connect("/carparty");
        lost.send("{\"action\":\"login_client\",\"server_code\":\"nowhere\",\"client_id\":\"c\"}");
        assertEquals(1008, lost.closeCode());

        Client stranger = connect("/carparty");
        stranger.send("{\"hello\":1}");
        assertEquals(1008, stranger.closeCode());
    }

    @Test
    void boothAndScannerRelayBothWaysWithNotifications() throws Exception {
        Client booth = connect("/booth");
        booth.send("{\"type\":\"register_booth\",\"booth_id\":\"b1\"}");
        assertEquals(Map.of("type", "registration_success", "booth_id", "b1", "message", "Booth registered successfully"),
                booth.nextJson());

        Client scanner = connect("/any/path");
        scanner.send("{\"type\":\"connect_scanner\",\"booth_id\":\"b1\"}");
        assertEquals(Map.of("type", "connection_success", "booth_id", "b1", "message", "Connected to booth"), scanner.nextJson());
        assertEquals(Map.of("type", "scanner_connected", "booth_id", "b1", "message", "Scanner connected"), booth.nextJson());

        scanner.send("{\"type\":\"relay_message\",\"data\":{\"code\":\"X1\",\"n\":2}}");
        assertEquals("{\"type\":\"message_from_scanner\",\"data\":{\"code\":\"X1\",\"n\":2}}", booth.next());
        booth.send("{\"type\":\"relay_message\",\"data\":{\"ok\":true}}");
        assertEquals("{\"type\":\"message_from_booth\",\"data\":{\"ok\":true}}", scanner.next());

        scanner.send("{\"type\":\"ping\"}");
        assertEquals(Map.of("type", "pong"), scanner.nextJson());
        scanner.send("{\"type\":\"dance\"}");
        assertEquals(Map.of("type", "error", "message", "Unknown message type"), scanner.nextJson());
        scanner.send("not json");
        assertEquals(Map.of("type", "error", "message", "Invalid JSON"), scanner.nextJson());

        scanner.ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(WAIT_MS, TimeUnit.MILLISECONDS);
        assertEquals(Map.of("type", "scanner_disconnected", "booth_id", "b1"), booth.nextJson());

        Client other = connect("/booth");
        other.send("{\"type\":\"connect_scanner\",\"booth_id\":\"b1\"}");
        assertEquals("connection_success", other.nextJson().get("type"));
        assertEquals("scanner_connected", booth.nextJson().get("type"));
        booth.ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(WAIT_MS, TimeUnit.MILLISECONDS);
        assertEquals(Map.of("type", "booth_disconnected", "booth_id", "b1"), other.nextJson());
    }

    @Test
    void boothAnswersErrorsForAnUnknownBoothAndRelayingUnconnected() throws Exception {
        Client scanner = connect("/booth");
        scanner.send("{\"type\":\"connect_scanner\",\"booth_id\":\"missing\"}");
        assertEquals(Map.of("type", "error", "message", "Booth not found", "booth_id", "missing"), scanner.nextJson());
        scanner.send("{\"type\":\"relay_message\",\"data\":1}");
        assertEquals(Map.of("type", "error", "message", "Not connected"), scanner.nextJson());
        scanner.send("{\"type\":\"register_booth\"}");
        assertEquals(Map.of("type", "error", "message", "booth_id required"), scanner.nextJson());
    }

    /** Logs a client in, retrying while the peer has not yet seen the game server's login (it has no reply). */
    private static Client loginClient(Client server, String path, String login) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (System.nanoTime() < deadline) {
            Client client = connect(path);
            client.send(login);
            // either the game server hears "connect" or the peer closes us with 1008 (no such room yet)
            while (!client.closed.isDone() && System.nanoTime() < deadline) {
                String notice = server.messages.poll(20, TimeUnit.MILLISECONDS);
                if (notice != null) {
                    server.messages.offerFirst(notice); // the caller checks it
                    return client;
                }
            }
        }
        throw new AssertionError("client login not acknowledged: " + login);
    }

    private static Client connect(String path) throws Exception {
        Client client = new Client();
        client.ws = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + peer.port() + path), client)
                .get(WAIT_MS, TimeUnit.MILLISECONDS);
        return client;
    }

    /** A JDK WebSocket that queues whole text messages and records the close code. */
    private static final class Client implements WebSocket.Listener {
        final BlockingDeque<String> messages = new LinkedBlockingDeque<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket ws;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }

        void send(String text) throws Exception {
            ws.sendText(text, true).get(WAIT_MS, TimeUnit.MILLISECONDS);
        }

        String next() throws InterruptedException {
            String message = messages.poll(WAIT_MS, TimeUnit.MILLISECONDS);
            assertNotNull(message, "no message within " + WAIT_MS + " ms");
            return message;
        }

        Map<?, ?> nextJson() throws InterruptedException {
            Object value = Json.parse(next());
            assertTrue(value instanceof Map<?, ?>, "not a JSON object: " + value);
            return (Map<?, ?>) value;
        }

        void expectNothing() throws InterruptedException {
            assertNull(messages.poll(QUIET_MS, TimeUnit.MILLISECONDS));
        }

        int closeCode() throws Exception {
            try {
                return closed.get(WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return fail("not closed within " + WAIT_MS + " ms");
            }
        }
    }
}
