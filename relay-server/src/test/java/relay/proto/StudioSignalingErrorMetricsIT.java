package relay.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import relay.testing.TestClient;
import relay.testing.TestServer;

/** Every studio, signaling and unbound error is counted in /metrics, by protocol and a fixed error label. */
@Timeout(30)
class StudioSignalingErrorMetricsIT {
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
            assertEquals(java.util.Map.of("auto/invalid_json", 1L, "auto/unknown_type", 1L, "studio/invalid_json", 1L,
                    "studio/missing_auth", 1L, "signaling/not_registered", 1L), server.server().metrics().protocolErrors());
            String page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.http("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(page.contains("relay_protocol_errors_total{protocol=\"signaling\",error=\"not_registered\"} 1"), page);
        }
    }
}
