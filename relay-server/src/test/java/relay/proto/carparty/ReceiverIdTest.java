package relay.proto.carparty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import relay.json.Json;
import relay.json.JsonObjectCursor;

/**
 * protocols.md "carparty": a server's JSON object with a top-level receiver_id goes to the clients whose id
 * string-equals it; anything else, JSON or not, to all. relay reads receiver_id on the bytes; what it decides
 * must be what the full parse (dsl-json's tree, relay's earlier way) decided, on good input and bad.
 */
@Timeout(30)
class ReceiverIdTest {
    private static final List<String> IDS = List.of("a", "b", "ab", "1", "", "é", "a\"b", "a/b", "a\\b", "\u2028");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{\"receiver_id\":\"a\",\"x\":1}                     | a",
        "{\"x\":{\"receiver_id\":\"b\"},\"receiver_id\":\"a\"} | a",
        "{\"receiver_id\":\"b\",\"receiver_id\":\"a\"}       | a",
        "{\"receiver_id\":\"\\u0061\"}                       | a",
        "{\"receiver\\u005fid\":\"a\"}                       | a",
        "{\"receiver_id\":\"a\\/b\"}                         | a/b",
        "{\"receiver_id\":\"a\\\"b\"}                        | a\"b",
        "{\"receiver_id\":\"é\"}                             | é",
        "{\"receiver_id\":\"\\u00e9\"}                       | é",
        "{\"receiver_id\":1}                                 | (nobody)",
        "{\"receiver_id\":\"1\",\"n\":\"t\tb\"}               | 1",
        "{\"receiver_id\":\"a\tb\"}                         | (nobody)",
        "{\"receiver_id\":\"1\",\"n\":01}                    | (everyone)",
        "{\"receiver_id\":\"a\",\"x\"                            | (everyone)",
        "{\"receiver_id\":\"a\"} x                           | (everyone)",
        "{\"x\":1}                                           | (everyone)",
        "[{\"receiver_id\":\"a\"}]                           | (everyone)",
        "not json                                            | (everyone)",
    })
    void sendsToTheClientsItNames(String message, String expected) {
        assertEquals(expected, decide(("#" + message + "#").getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, oldDecision(message.getBytes(StandardCharsets.UTF_8)), "the tree decided the same");
    }

    @Test
    void decidesAsTheFullParseDidOnMutatedFrames() {
        String[] seeds = {
            "{\"receiver_id\":\"a\",\"x\":[1,-2.5e3,true,null],\"s\":\"q\\\"b\\u0041\",\"receiver_id\":\"ab\"}",
            "{\"receiver_id\":\"\\u0061\\/b\",\"o\":{\"receiver_id\":\"1\"},\"n\":10}",
            "{\"t\":1,\"receiver_id\":\"é\",\"u\":\"\\u00e9\"}",
        };
        byte[] alphabet = "{}[]\":,0123456789-+.eEtrufalsn\\ abu/_\t".getBytes(StandardCharsets.UTF_8);
        Random random = new Random(7);
        for (String seed : seeds) {
            byte[] base = seed.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 20_000; i++) {
                byte[] m = base.clone();
                for (int k = random.nextInt(3) + 1; k > 0; k--) {
                    m[random.nextInt(m.length)] = alphabet[random.nextInt(alphabet.length)];
                }
                if (!relay.ws.Utf8Validator.isValid(m, 0, m.length)) {
                    continue; // a text frame is valid UTF-8 before it reaches the endpoint
                }
                byte[] framed = new byte[m.length + 2];
                System.arraycopy(m, 0, framed, 1, m.length);
                assertEquals(oldDecision(m), decide(framed), new String(m, StandardCharsets.UTF_8));
            }
        }
    }

    /** The ids of IDS the endpoint sends the message to (which sits at offset 1, one byte either side). */
    private static String decide(byte[] framed) {
        long receiver = CarpartyEndpoint.receiverOf(new JsonObjectCursor(), framed, 1, framed.length - 2);
        if (receiver == CarpartyEndpoint.BROADCAST) {
            return "(everyone)";
        }
        List<String> named = new ArrayList<>();
        for (String id : IDS) {
            if (CarpartyEndpoint.names(framed, receiver, id, Json.write(id))) {
                named.add(id);
            }
        }
        return named.isEmpty() ? "(nobody)" : String.join(",", named);
    }

    /** relay's decision before this change: a tree, when a receiver_id member is named at all. */
    private static String oldDecision(byte[] m) {
        JsonObjectCursor cursor = new JsonObjectCursor();
        boolean named = false;
        if (cursor.reset(m, 0, m.length)) {
            while (cursor.next()) {
                if (cursor.keyIs("receiver_id".getBytes(StandardCharsets.US_ASCII))) {
                    named = true;
                    break;
                }
            }
        }
        if (!named) {
            return "(everyone)";
        }
        Object receiver;
        try {
            if (!(Json.parse(m, 0, m.length) instanceof Map<?, ?> object)) {
                return "(everyone)";
            }
            receiver = object.get("receiver_id");
        } catch (Json.InvalidJsonException e) {
            return "(everyone)";
        }
        List<String> named2 = new ArrayList<>();
        for (String id : IDS) {
            if (id.equals(receiver)) {
                named2.add(id);
            }
        }
        return named2.isEmpty() ? "(nobody)" : String.join(",", named2);
    }
}
