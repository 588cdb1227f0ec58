package relay.proto.carparty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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
 * string-equals it; anything else, JSON or not, to all. relay reads receiver_id on the bytes, once per frame
 * ({@link ReceiverIdReader}), and then asks client by client; what it decides must be what the full parse
 * (dsl-json's tree, relay's earlier way) decided, on good input and bad.
 */
@Timeout(30)
class ReceiverIdTest {
    private static final List<String> IDS = List.of("a", "b", "ab", "1", "", "é", "a\"b", "a/b", "a\\b", "\u2028");
    /** Ids beside IDS for escaped and non-string receivers: text that JSON writes with escapes, literal-like ids. */
    private static final List<String> MORE_IDS = List.of("abc", "a\tb", "a\nb", "\u0001", "true", "null", "1.0", "-1", "a b");
    private static final List<String> ALL_IDS = concat(IDS, MORE_IDS);

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
        assertEquals(expected, decide(("#" + message + "#").getBytes(StandardCharsets.UTF_8), IDS));
        assertEquals(expected, oldDecision(message.getBytes(StandardCharsets.UTF_8), IDS), "the tree decided the same");
    }

    /**
     * Receivers written with escapes are decoded once and match the id they spell; non-strings name nobody.
     * The expected column writes a tab, a newline and U+0001 as backslash-t, backslash-n, backslash-u0001.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{\"receiver_id\":\"\\u0061bc\"}                     | abc",
        "{\"receiver_id\":\"\\u0061\\u0062\\u0063\"}           | abc",
        "{\"receiver_id\":\"ab\\u0063\",\"x\":[1,2]}         | abc",
        "{\"receiver_id\":\"\\u0041bc\"}                     | (nobody)",
        "{\"receiver_id\":\"abc\"}                           | abc",
        "{\"receiver_id\":\"a\\tb\"}                         | a\\tb",
        "{\"receiver_id\":\"a\\u0009b\"}                     | a\\tb",
        "{\"receiver_id\":\"a\\nb\"}                         | a\\nb",
        "{\"receiver_id\":\"\\u0001\"}                       | \\u0001",
        "{\"receiver_id\":\"a\\u0020b\"}                     | a b",
        "{\"receiver_id\":1}                                 | (nobody)",
        "{\"receiver_id\":-1}                                | (nobody)",
        "{\"receiver_id\":1.0}                               | (nobody)",
        "{\"receiver_id\":true}                              | (nobody)",
        "{\"receiver_id\":null}                              | (nobody)",
        "{\"receiver_id\":[\"abc\"]}                         | (nobody)",
        "{\"receiver_id\":{\"id\":\"abc\"}}                  | (nobody)",
        "{\"receiver_id\":\"abc\",\"receiver_id\":true}      | (nobody)",
        "{\"receiver_id\":true,\"receiver_id\":\"\\u0061bc\"} | abc",
    })
    void decodesAnEscapedReceiverOnceAndNamesNobodyWithANonString(String message, String expected) {
        String want = expected.replace("\\t", "\t").replace("\\n", "\n").replace("\\u0001", "\u0001");
        assertEquals(want, decide(("#" + message + "#").getBytes(StandardCharsets.UTF_8), ALL_IDS));
        assertEquals(want, oldDecision(message.getBytes(StandardCharsets.UTF_8), ALL_IDS), "the tree decided the same");
    }

    /** A raw control character in the receiver (only dsl-json's leniency lets the frame through) is compared as text. */
    @Test
    void comparesARawControlCharacterAsText() {
        byte[] framed = "#{\"receiver_id\":\"a\tb\"}#".getBytes(StandardCharsets.UTF_8);
        assertEquals("a\tb", decide(framed, ALL_IDS));
        assertEquals("a\tb", oldDecision(Arrays.copyOfRange(framed, 1, framed.length - 1), ALL_IDS));
    }

    @Test
    void decidesAsTheFullParseDidOnMutatedFrames() {
        String[] seeds = {
            "{\"receiver_id\":\"a\",\"x\":[1,-2.5e3,true,null],\"s\":\"q\\\"b\\u0041\",\"receiver_id\":\"ab\"}",
            "{\"receiver_id\":\"\\u0061\\/b\",\"o\":{\"receiver_id\":\"1\"},\"n\":10}",
            "{\"t\":1,\"receiver_id\":\"é\",\"u\":\"\\u00e9\"}",
            "{\"receiver_id\":\"\\u0061bc\",\"n\":true,\"receiver_id\":\"a\\tb\"}",
            "{\"receiver_id\":null,\"k\":[\"abc\",1],\"receiver_id\":\"ab\\u0063\"}",
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
                assertEquals(oldDecision(m, ALL_IDS), decide(framed, ALL_IDS), new String(m, StandardCharsets.UTF_8));
            }
        }
    }

    /**
     * The ids the endpoint sends the message to (which sits at offset 1, one byte either side), read once and
     * asked per id as fromServer does; also checks the text handed to the cluster is the tree's receiver string.
     */
    private static String decide(byte[] framed, List<String> ids) {
        ReceiverIdReader reader = new ReceiverIdReader(new JsonObjectCursor());
        if (!reader.read(framed, 1, framed.length - 2)) {
            return "(everyone)";
        }
        List<String> named = new ArrayList<>();
        for (String id : ids) {
            if (reader.names(id, Json.write(id))) {
                named.add(id);
            }
        }
        assertEquals(treeReceiver(Arrays.copyOfRange(framed, 1, framed.length - 1)), reader.text(), "the cluster's receiver text");
        return named.isEmpty() ? "(nobody)" : String.join(",", named);
    }

    /** The top-level receiver_id as the tree has it, if it is a string. */
    private static String treeReceiver(byte[] m) {
        try {
            return Json.parse(m, 0, m.length) instanceof Map<?, ?> object && object.get("receiver_id") instanceof String s ? s : null;
        } catch (Json.InvalidJsonException e) {
            return null;
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    /** relay's decision before this change: a tree, when a receiver_id member is named at all. */
    private static String oldDecision(byte[] m, List<String> ids) {
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
        for (String id : ids) {
            if (id.equals(receiver)) {
                named2.add(id);
            }
        }
        return named2.isEmpty() ? "(nobody)" : String.join(",", named2);
    }
}
