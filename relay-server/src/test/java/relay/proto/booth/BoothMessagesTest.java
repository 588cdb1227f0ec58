package relay.proto.booth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import relay.json.Json;

/** The booth frames are written in place: each must be one complete text frame of the original's JSON. */
class BoothMessagesTest {
    private static final String TIMESTAMP = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}";
    private static final BoothId BOOTH = BoothId.of("b1", "\"b1\"".getBytes(StandardCharsets.UTF_8));

    /** Checks the header (FIN, text, shortest length) and returns the payload parsed, keys in order. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> payload(byte[] frame) {
        assertEquals((byte) 0x81, frame[0], "FIN + text");
        int length = frame[1] & 0x7F;
        int header = 2;
        if (length == 126) {
            length = (frame[2] & 0xFF) << 8 | frame[3] & 0xFF;
            header = 4;
            assertTrue(length >= 126 && length <= 0xFFFF);
        } else if (length == 127) {
            length = (int) java.nio.ByteBuffer.wrap(frame, 2, 8).getLong();
            header = 10;
            assertTrue(length > 0xFFFF);
        }
        assertEquals(frame.length - header, length, "length field matches the frame");
        Map<String, Object> json = (Map<String, Object>) Json.parse(frame, header, length);
        assertTrue(((String) json.get("timestamp")).matches(TIMESTAMP), json.toString());
        return json;
    }

    @ParameterizedTest(name = "data of {0} bytes")
    @ValueSource(ints = {1, 60, 200, 70_000})
    void relayedDataKeepsTheOriginalsKeyOrderAtEveryLengthEncoding(int size) {
        byte[] data = ("\"" + "x".repeat(size) + "\"").getBytes(StandardCharsets.UTF_8);
        Map<String, Object> scanner = payload(BoothMessages.fromScanner(data, 0, data.length));
        assertEquals(List.of("type", "data", "original_type", "timestamp"), List.copyOf(scanner.keySet()));
        assertEquals("message_from_scanner", scanner.get("type"));
        assertEquals("x".repeat(size), scanner.get("data"));
        assertEquals("relay_message", scanner.get("original_type"));

        Map<String, Object> booth = payload(BoothMessages.fromBooth(data, 0, data.length, BOOTH));
        assertEquals(List.of("type", "data", "original_type", "booth_id", "timestamp"), List.copyOf(booth.keySet()));
        assertEquals("message_from_booth", booth.get("type"));
        assertEquals("b1", booth.get("booth_id"));
    }

    @Test
    void relayedDataIsCopiedFromItsRangeOnly() {
        byte[] message = "{\"type\":\"relay_message\",\"data\":{\"a\":[1,2]}}".getBytes(StandardCharsets.UTF_8);
        int start = "{\"type\":\"relay_message\",\"data\":".length();
        Map<String, Object> json = payload(BoothMessages.fromScanner(message, start, "{\"a\":[1,2]}".length()));
        assertEquals(Map.of("a", List.of(1L, 2L)), json.get("data"));
    }

    @Test
    void noticesPongAndErrors() {
        Map<String, Object> notice = payload(BoothMessages.withBoothId("scanner_connected", BOOTH));
        assertEquals(List.of("type", "booth_id", "timestamp"), List.copyOf(notice.keySet()));
        assertEquals("scanner_connected", notice.get("type"));
        assertEquals("b1", notice.get("booth_id"));

        assertEquals(List.of("type", "timestamp"), List.copyOf(payload(BoothMessages.pong()).keySet()));
        assertEquals("pong", payload(BoothMessages.pong()).get("type"));

        Map<String, Object> error = payload(BoothMessages.error("Booth \"b1\" is not available\n\u00e9"));
        assertEquals(List.of("type", "message", "timestamp"), List.copyOf(error.keySet()));
        assertEquals("error", error.get("type"));
        assertEquals("Booth \"b1\" is not available\n\u00e9", error.get("message"));
    }
}
