package relay.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * JsonSyntax agrees with the full parser (dsl-json, through Json.parse) on what is one JSON object, and
 * JsonObjectCursor's checked walk agrees with JsonSyntax, seeing on valid objects the members the plain walk sees.
 */
class JsonSyntaxTest {
    @ParameterizedTest
    @ValueSource(strings = {
        "{}", " { } ", "{\"a\":1}", "{\"a\":-0.5e+3,\"b\":[true,false,null,\"x\\u00e9\\n\"],\"c\":{\"d\":{}}}",
        "{\"a\":[]}", "{\"a\":[1, 2 ,3]}", "{\"é\":\"ü\"}", "{\"a\":0}", "{\"a\":1E5}", "{\"a\":\"\\\"\\\\\\/\\b\\f\\r\\t\"}",
    })
    void acceptsObjects(String json) {
        assertEquals(true, check(json));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "[]", "1", "\"s\"", "null", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,\"a\":1}",
        "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":1e}", "{\"a\":+1}", "{\"a\":tru}", "{\"a\":nul}",
        "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"unterminated}", "{\"a\":1} x", "{\"a\":1}{}",
        "{a:1}", "{'a':1}", "{\"a\":[1,]}", "{\"a\":[,1]}", "{\"a\":\"tab\there\"}", "{\"a\":NaN}",
    })
    void refusesEverythingElse(String json) {
        assertEquals(false, check(json));
    }

    @Test
    void refusesNestingDeeperThanTheLimit() {
        String deep = "{\"a\":" + "[".repeat(JsonSyntax.MAX_DEPTH) + "]".repeat(JsonSyntax.MAX_DEPTH) + "}";
        assertEquals(false, check(deep));
        String ok = "{\"a\":" + "[".repeat(JsonSyntax.MAX_DEPTH - 2) + "]".repeat(JsonSyntax.MAX_DEPTH - 2) + "}";
        assertEquals(true, check(ok));
    }

    @Test
    void agreesWithTheParserOnMutatedMessages() {
        byte[] seed = "{\"action\":\"input\",\"x\":[1,-2.5e3,true,null],\"s\":\"a\\\"b\\u0041\",\"o\":{\"k\":false}}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] alphabet = "{}[]\":,0123456789-+.eEtrufalsn\\ ax".getBytes(StandardCharsets.UTF_8);
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] m = seed.clone();
            for (int k = random.nextInt(3) + 1; k > 0; k--) {
                m[random.nextInt(m.length)] = alphabet[random.nextInt(alphabet.length)];
            }
            boolean parsed;
            try {
                parsed = Json.parse(m, 0, m.length) instanceof Map<?, ?>;
            } catch (Json.InvalidJsonException e) {
                parsed = false;
            }
            assertEquals(JsonSyntax.isObject(m, 0, m.length), checkedWalk(m, 0, m.length), new String(m, StandardCharsets.UTF_8));
            if (parsed != JsonSyntax.isObject(m, 0, m.length)) {
                // dsl-json is lenient in places RFC 8259 is not (e.g. a raw tab in a string); only our strict side may refuse more
                assertEquals(false, JsonSyntax.isObject(m, 0, m.length), new String(m, StandardCharsets.UTF_8));
            }
        }
    }

    private static boolean check(String json) {
        byte[] bytes = ("xx" + json + "yy").getBytes(StandardCharsets.UTF_8);
        boolean valid = JsonSyntax.isObject(bytes, 2, bytes.length - 4);
        assertEquals(valid, checkedWalk(bytes, 2, bytes.length - 4), "checked walk of " + json);
        return valid;
    }

    /** JsonObjectCursor.nextChecked's verdict; when it says valid, it has walked the plain walk's members. */
    private static boolean checkedWalk(byte[] bytes, int offset, int length) {
        JsonObjectCursor checked = new JsonObjectCursor();
        JsonObjectCursor plain = new JsonObjectCursor();
        List<String> seen = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        if (checked.reset(bytes, offset, length)) {
            while (checked.nextChecked()) {
                seen.add(checked.keyStart() + ":" + checked.keyEnd() + "=" + checked.valueStart() + ":" + checked.valueEnd());
            }
        }
        if (!checked.isValid()) {
            return false;
        }
        plain.reset(bytes, offset, length);
        while (plain.next()) {
            expected.add(plain.keyStart() + ":" + plain.keyEnd() + "=" + plain.valueStart() + ":" + plain.valueEnd());
        }
        assertEquals(expected, seen);
        return true;
    }
}
