package relay.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Json#write} on strings holding lone UTF-16 surrogates: they come out as the escapes Python's
 * {@code json.dumps} writes, everything else as dsl-json writes it. Expected texts are ASCII, so the bytes
 * compared are exactly those on the wire.
 */
@Timeout(10)
class JsonTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        // the JSON text a client sent    | what relay writes back
        "`\"\\ud800\"`                    | `\"\\ud800\"`",
        "`\"\\udfff\"`                    | `\"\\udfff\"`",
        "`\"\\udc00\\ud800\"`             | `\"\\udc00\\ud800\"`",   // reversed pair: two lone surrogates
        "`\"a\\ud800b\"`                  | `\"a\\ud800b\"`",
        "`\"\\ud800\\\"\\n\\u0001\"`      | `\"\\ud800\\\"\\n\\u0001\"`", // dsl-json's escapes around it
        "`\"\\uD800\"`                    | `\"\\ud800\"`",              // json.dumps writes lower-case hex
        "`{\"\\udfff\":[\"\\ud800\",1]}`  | `{\"\\udfff\":[\"\\ud800\",1]}`", // keys and nested values
        "`{\"type\":\"x\",\"id\":\"\\ud800\"}` | `{\"type\":\"x\",\"id\":\"\\ud800\"}`",
    })
    void writesLoneSurrogatesAsEscapes(String received, String expected) {
        assertEquals(expected, ascii(Json.write(Json.parse(received))));
    }

    @Test
    void writesAPairAndTheRestAsUtf8AroundALoneSurrogate() {
        String text = "\ud83d\ude00\ud800é";
        assertEquals("\"\ud83d\ude00\\ud800é\"", new String(Json.write(text), StandardCharsets.UTF_8));
    }

    @Test
    void writesMapsListsAndStringsHoldingLoneSurrogates() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("peers", List.of("\udc00", "ok"));
        map.put("room", null);
        map.put("n", 7L);
        map.put("\ud800", Map.of("k", true));
        assertEquals("{\"peers\":[\"\\udc00\",\"ok\"],\"room\":null,\"n\":7,\"\\ud800\":{\"k\":true}}",
                ascii(Json.write(map)));
        assertEquals("\"\\ud800\"", ascii(Json.write("\ud800")));
    }

    @Test
    void leavesTextWithoutLoneSurrogatesAsDslJsonWritesIt() {
        Object value = Json.parse("{\"a\":\"\\ud83d\\ude00 \\u00e9 \\\" \\\\ \\t\",\"b\":[null,true,2.5]}");
        assertEquals("{\"a\":\"\ud83d\ude00 é \\\" \\\\ \\t\",\"b\":[null,true,2.5]}",
                new String(Json.write(value), StandardCharsets.UTF_8));
    }

    private static String ascii(byte[] bytes) {
        for (byte b : bytes) {
            assertEquals(0, b & 0x80, "non-ASCII byte in " + new String(bytes, StandardCharsets.ISO_8859_1));
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
