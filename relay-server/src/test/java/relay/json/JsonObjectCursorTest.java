package relay.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonObjectCursorTest {
    private static final byte[] CLIENT_ID = "client_id".getBytes(StandardCharsets.UTF_8);

    /** key=rawValue for each top-level member, as the cursor sees them. */
    private static List<String> members(String json) {
        byte[] bytes = (" " + json + " ").getBytes(StandardCharsets.UTF_8); // an offset, and padding after
        JsonObjectCursor cursor = new JsonObjectCursor();
        List<String> out = new ArrayList<>();
        if (!cursor.reset(bytes, 1, bytes.length - 2)) {
            return null;
        }
        while (cursor.next()) {
            out.add(new String(bytes, cursor.keyStart(), cursor.keyEnd() - cursor.keyStart(), StandardCharsets.UTF_8) + "="
                    + new String(bytes, cursor.valueStart(), cursor.valueEnd() - cursor.valueStart(), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void walksTopLevelMembersWithRawValues() {
        assertEquals(List.of("a=1", "b=\"x,}\"", "c={\"d\":[1,{\"e\":\"]\"}]}", "f=null", "g=-2.5e3", "h=true"),
                members("{\"a\":1,\"b\":\"x,}\",\"c\":{\"d\":[1,{\"e\":\"]\"}]},\"f\":null,\"g\":-2.5e3,\"h\":true}"));
    }

    @Test
    void toleratesWhitespaceAndEscapes() {
        assertEquals(List.of("a=\"q\\\"}\"", "b=[ 1 , 2 ]"), members("{ \"a\" : \"q\\\"}\" ,\n\t\"b\" : [ 1 , 2 ] }"));
        assertEquals(List.of(), members("{ }"));
    }

    @Test
    void decodesEscapedKeys() {
        byte[] bytes = "{\"client\\u005fid\":1}".getBytes(StandardCharsets.UTF_8);
        JsonObjectCursor cursor = new JsonObjectCursor();
        assertTrue(cursor.reset(bytes, 0, bytes.length));
        assertTrue(cursor.next());
        assertTrue(cursor.keyIs(CLIENT_ID));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2]", "\"s\"", "42", "", "   ", "null"})
    void refusesWhatIsNotAnObject(String json) {
        assertEquals(null, members(json));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"a\"", "{\"unterminated", "{\"a\":1,\"b", "{\"a\":", "{\"a\":\"unterminated", "{\"a\":[1,2", "{\"a\" 1}", "{a:1}", "{\"a\":1,,}"})
    void stopsWithoutThrowingOnMalformedInput(String json) {
        List<String> seen = members(json);
        assertFalse(seen == null ? false : seen.size() > 1, "at most the members before the fault: " + seen);
    }
}
