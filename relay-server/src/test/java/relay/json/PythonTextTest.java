package relay.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Seed 000's error texts print client values with Python's str(); these are Python 3's outputs. */
class PythonTextTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "\"booth_001\"            | booth_001",
        "null                     | None",
        "true                     | True",
        "false                    | False",
        "7                        | 7",
        "-12                      | -12",
        "7.0                      | 7.0",
        "2.5                      | 2.5",
        "1e20                     | 1e+20",
        "1.5e-7                   | 1.5e-07",
        "123456789012345678       | 123456789012345678",
        "{\"a\":1,\"b\":\"x\"}    | {'a': 1, 'b': 'x'}",
        "[1,\"two\",null,[]]      | [1, 'two', None, []]",
        "[\"it's\"]               | [\"it's\"]",
        "\"\\ud800\"               | \ud800",
        "[\"\\ud800x\\udfff\"]       | ['\\ud800x\\udfff']",
        "[\"\\udc00\\ud800\"]        | ['\\udc00\\ud800']",
        "[\"\\ud83d\\ude00\"]        | ['\ud83d\ude00']",
    })
    void printsLikePythonStr(String json, String expected) {
        assertEquals(expected, PythonText.str(Json.parse(json)));
    }
}
