package relay.proto.booth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import relay.json.Json;
import relay.testing.RawClient;
import relay.testing.TestClient;
import relay.testing.TestServer;

/**
 * Binary frames are read as JSON text (scenario 21); one whose bytes are not UTF-8 is not JSON, and must
 * not be copied into the text frames relay sends on.
 */
@Timeout(30)
class BoothBinaryIT {
    @Test
    void aBinaryFrameThatIsNotUtf8IsInvalidJsonAndIsNotRelayed() throws Exception {
        try (TestServer server = TestServer.start();
             TestClient booth = TestClient.connect(server.uri("/booth"));
             RawClient scanner = RawClient.upgraded(server.port(), "/booth")) {
            booth.sendJson("type", "register_booth", "booth_id", "b1");
            assertEquals("registration_success", booth.nextJson().get("type"));
            scanner.write(RawClient.frame(0x81, utf8("{\"type\":\"connect_scanner\",\"booth_id\":\"b1\"}")));
            assertEquals("connection_success", json(scanner.readFrame()).get("type"));
            assertEquals("scanner_connected", booth.nextJson().get("type"));

            ByteArrayOutputStream message = new ByteArrayOutputStream();
            message.writeBytes(utf8("{\"type\":\"relay_message\",\"data\":\""));
            message.write(0xFF); // never valid in UTF-8
            message.writeBytes(utf8("\"}"));
            scanner.write(RawClient.frame(0x82, message.toByteArray()));

            Map<String, Object> reply = json(scanner.readFrame());
            assertEquals("error", reply.get("type"));
            assertEquals("Invalid JSON message", reply.get("message"));
            booth.expectNothing(200);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(RawClient.Frame frame) {
        assertEquals(1, frame.opcode(), "a text frame");
        return (Map<String, Object>) Json.parse(frame.text());
    }
}
