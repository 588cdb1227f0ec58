package relay.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import relay.config.Admission;
import relay.config.SharedSecret;
import relay.testing.RawClient;
import relay.testing.Scrape;
import relay.testing.TestClient;
import relay.testing.TestServer;

/**
 * What /metrics says about errors and refusals (operations.md, "Metrics and health" and "Identity"), read from
 * the page a monitoring system scrapes after real clients were answered or refused: each series with exactly
 * its labels and count, and no other series in that family.
 */
@Timeout(30)
class ErrorMetricsIT {
    /** The series of one metric family on the page, by their label set as written ({@code code="1008"}). */
    private static Map<String, Long> series(TestServer server, String family) {
        return Scrape.of(server.http("/metrics")).family(family);
    }

    /** The status of a refused upgrade, as the JDK client reports it. */
    private static int refusedStatus(URI uri) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> TestClient.connect(uri).close());
        return assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse().statusCode();
    }

    @Test
    void errorsAreCountedByProtocolAndLabel() throws Exception {
        try (TestServer server = TestServer.start(c -> c.withStudio(null, 5_000))) {
            try (TestClient unbound = TestClient.connect(server.uri("/"))) {
                unbound.send("nope");
                unbound.nextJson();
                unbound.send("{\"type\":\"hello\"}");
                unbound.nextJson();
            }
            try (TestClient studio = TestClient.connect(server.uri("/studio?id=ARO-001_x&token=t"))) {
                studio.nextJson();
                studio.send("nope");
                studio.nextJson();
            }
            try (TestClient studio = TestClient.connect(server.uri("/studio?id=&token="))) {
                studio.awaitClose();
            }
            try (TestClient signaling = TestClient.connect(server.uri("/signaling"))) {
                signaling.sendJson("type", "offer", "target_id", "x", "sdp", "s");
                signaling.nextJson();
            }
            TestClient.await("all errors counted", () -> server.server().metrics().protocolErrors().size() == 5);
            assertEquals(Map.of("protocol=\"auto\",error=\"invalid_json\"", 1L, "protocol=\"auto\",error=\"unknown_type\"", 1L,
                    "protocol=\"studio\",error=\"invalid_json\"", 1L, "protocol=\"studio\",error=\"missing_auth\"", 1L,
                    "protocol=\"signaling\",error=\"not_registered\"", 1L), series(server, "relay_protocol_errors_total"));
        }
    }

    /**
     * operations.md, "Identity": a refused studio token, CarParty login and signaling register each count once
     * under their protocol's error; the two that close count as 1008 closes, the signaling one (an error reply)
     * as no close at all.
     */
    @Test
    void refusedCredentialsAreCountedAsProtocolErrorsAndTheirClosesAs1008(@TempDir Path dir) throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens"), "ARO-001 table-token\n");
        try (TestServer server = TestServer.start(c -> c.withStudio(tokens, 5_000)
                .withAdmission(c.admission().withSecrets(SharedSecret.of("race-s3cret"), SharedSecret.of("room-s3cret"))));
             TestClient signaling = TestClient.connect(server.uri("/signaling"))) {
            try (TestClient studio = TestClient.connect(server.uri("/studio?id=ARO-001_dealerPC&token=wrong"))) {
                assertEquals(new TestClient.Closed(1008, "Invalid token"), studio.awaitClose());
            }
            try (TestClient game = TestClient.connect(server.uri("/carparty"))) {
                game.sendJson("action", "login_server", "server_code", "RACE", "secret", "wrong");
                assertEquals(new TestClient.Closed(1008, "Invalid secret"), game.awaitClose());
            }
            signaling.sendJson("type", "register", "client_id", "pc", "room_id", "r", "secret", "wrong");
            assertEquals(Map.of("type", "error", "message", "Invalid secret"), signaling.nextJson());
            TestClient.await("both closes counted", () -> server.server().metrics().closesByCode().getOrDefault(1008, 0L) == 2);

            assertEquals(Map.of("protocol=\"studio\",error=\"invalid_token\"", 1L,
                    "protocol=\"carparty\",error=\"login_refused\"", 1L,
                    "protocol=\"signaling\",error=\"invalid_secret\"", 1L), series(server, "relay_protocol_errors_total"));
            assertEquals(Map.of("code=\"1008\"", 2L), series(server, "relay_closes_total"));
            assertEquals(Map.of(), series(server, "relay_handshake_failures_total"), "refused after the upgrade, not at it");
        }
    }

    /**
     * operations.md, "Limits": refusals at the handshake count under their reason in
     * relay_handshake_failures_total, the admission limits as {@code refused_<status>}; a refused socket
     * never becomes a connection, so no close is counted for it.
     */
    @Test
    void refusedHandshakesAreCountedByReason() throws Exception {
        Admission oneSocketPerAddressOneHandshake = new Admission(100, 1, 1, 0, 0, 8, Set.of("https://venue.example"));
        try (TestServer server = TestServer.start(c -> c.withAdmission(oneSocketPerAddressOneHandshake))) {
            try (TestClient holder = TestClient.connect(server.uri("/echo"))) {
                assertEquals(429, refusedStatus(server.uri("/echo")), "the address already holds its one socket");
            }
            TestClient.await("the address's socket released", () -> server.server().connections().size() == 0);
            try (RawClient silent = new RawClient(server.port())) {
                TestClient.await("the silent socket in its handshake", () -> server.server().connections().size() == 1);
                assertEquals(503, refusedStatus(server.uri("/echo")), "the one handshake slot is taken");
            }
            TestClient.await("the silent socket released", () -> server.server().connections().size() == 0);
            assertEquals(404, refusedStatus(server.uri("/no-such-endpoint")));
            try (RawClient browser = new RawClient(server.port())) {
                String head = browser.request("GET /echo HTTP/1.1\r\nHost: localhost\r\nOrigin: https://evil.example\r\n"
                        + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + RawClient.KEY
                        + "\r\nSec-WebSocket-Version: 13\r\n\r\n");
                assertEquals("HTTP/1.1 403", head.substring(0, 12), head);
            }
            TestClient.await("every socket released", () -> server.server().connections().size() == 0);

            assertEquals(Map.of("reason=\"refused_429\"", 1L, "reason=\"refused_503\"", 1L,
                    "reason=\"unknown path\"", 1L, "reason=\"origin\"", 1L), series(server, "relay_handshake_failures_total"));
            assertEquals(Map.of("code=\"1000\"", 1L), series(server, "relay_closes_total"), "only the holder's close");
        }
    }
}
