package relay.proto.booth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import relay.json.Json;

/** protocols.md "booth": booth_id is any non-empty JSON value, compared by value. */
class BoothIdTest {
    private static BoothId id(String json) {
        return BoothId.of(Json.parse(json), json.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0} == {1}")
    @CsvSource(delimiter = '|', value = {
        "\"b1\"                | \"b1\"",
        "7                     | 7.0",
        "7                     | 7e0",
        "{\"a\":1,\"b\":2}     | {\"b\":2.0,\"a\":1}",
        "[1,\"x\"]             | [1.0,\"x\"]",
    })
    void equalByJsonValue(String a, String b) {
        assertEquals(id(a), id(b));
        assertEquals(id(a).hashCode(), id(b).hashCode());
    }

    @ParameterizedTest(name = "{0} != {1}")
    @CsvSource(delimiter = '|', value = {
        "\"7\"   | 7",
        "\"b1\"  | \"B1\"",
        "[1,2]   | [2,1]",
        "true    | 1",
    })
    void differentValuesDiffer(String a, String b) {
        assertNotEquals(id(a), id(b));
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "\"\"", "0", "0.0", "false", "[]", "{}"})
    void emptyAsPythonTruthinessHasIt(String json) {
        assertEquals(true, BoothId.isEmpty(Json.parse(json)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"0\"", "1", "-1", "true", "[0]", "{\"a\":null}", "\" \""})
    void nonEmpty(String json) {
        assertEquals(false, BoothId.isEmpty(Json.parse(json)));
    }
}
