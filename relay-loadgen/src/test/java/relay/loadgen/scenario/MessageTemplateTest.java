package relay.loadgen.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import relay.json.Json;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MessageTemplateTest {
    @Test
    void paddedToTheRequestedSizeAndValidJsonWithTheStampAsAString() {
        MessageTemplate t = new MessageTemplate("{\"type\":\"relay_message\",\"data\":{", "}}", 200);
        byte[] bytes = t.stamp(1_234_567_890L);
        assertEquals(200, bytes.length);
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) ((Map<?, ?>) Json.parse(bytes, 0, bytes.length)).get("data");
        assertEquals("0000001234567890", data.get("t"));
        assertEquals(1_234_567_890L, Stamp.findAndRead(bytes, 0, bytes.length));
    }

    @Test
    void aStampSurvivesReserializationWithOtherMembersAround() {
        MessageTemplate t = new MessageTemplate("{", "}", 64);
        byte[] sent = t.stamp(42);
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = (Map<String, Object>) Json.parse(sent, 0, sent.length);
        parsed.put("client_id", "c000001"); // as carparty's relay does
        byte[] relayed = Json.write(parsed);
        assertEquals(42, Stamp.findAndRead(relayed, 0, relayed.length));
    }

    @Test
    void answersCopyTheStampOfTheMessageTheyAnswer() {
        MessageTemplate request = new MessageTemplate("{", "}", 0);
        MessageTemplate answer = new MessageTemplate("{\"type\":\"answer\",\"sdp\":{", "}}", 0);
        byte[] req = request.stamp(987_654_321L);
        int pos = Stamp.find(req, 0, req.length);
        byte[] ans = answer.copyStamp(req, pos);
        assertEquals(987_654_321L, Stamp.findAndRead(ans, 0, ans.length));
    }

    @Test
    void aReceiverIdIsPatchedInPlaceAsFixedWidthDigits() {
        MessageTemplate t = new MessageTemplate("{\"receiver_id\":\"c000000\",", "}", 0);
        int pos = t.positionOf("c000000") + 1;
        Stamp.writeDigits(t.bytes(), pos, 17, 6);
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = (Map<String, Object>) Json.parse(t.bytes(), 0, t.bytes().length);
        assertEquals("c000017", parsed.get("receiver_id"));
    }

    @Test
    void noStampIsMinusOne() {
        byte[] bytes = "{\"type\":\"pong\",\"t\":1}".getBytes(StandardCharsets.UTF_8);
        assertEquals(-1, Stamp.findAndRead(bytes, 0, bytes.length));
        assertTrue(Stamp.contains(bytes, 0, bytes.length, "pong".getBytes(StandardCharsets.UTF_8)));
    }
}
