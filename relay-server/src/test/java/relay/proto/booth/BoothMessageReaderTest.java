package relay.proto.booth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The booth fast path reads type and data in one checked walk; whatever it does not recognise (invalid JSON
 * included) is OTHER and goes to the full parse, which answers it as protocols.md "booth" says.
 */
@Timeout(10)
class BoothMessageReaderTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{\"type\":\"relay_message\",\"data\":{\"a\":[1,\"}\"]}}   | RELAY_MESSAGE | {\"a\":[1,\"}\"]}",
        " { \"data\" : 42 , \"type\" : \"relay_message\" } \t  | RELAY_MESSAGE | 42",
        "{\"type\":\"relay_message\"}                           | RELAY_MESSAGE | ",
        "{\"type\":\"relay_message\",\"data\":1,\"data\":\"last\"} | RELAY_MESSAGE | \"last\"",
        "{\"type\":\"ping\",\"type\":\"relay_message\",\"data\":null} | RELAY_MESSAGE | null",
        "{\"d\\u0061ta\":7,\"type\":\"relay_message\"}          | RELAY_MESSAGE | 7",
        "{\"type\":\"ping\"}                                    | PING          | ",
        "{\"type\":\"relay\\u005fmessage\",\"data\":1}          | OTHER         | ",
        "{\"type\":\"register_booth\",\"booth_id\":1}           | OTHER         | ",
        "{\"data\":1}                                           | OTHER         | ",
        "{\"type\":[\"relay_message\"]}                         | OTHER         | ",
        "{\"type\":\"relay_message\",\"data\":01}               | OTHER         | ",
        "{\"type\":\"relay_message\",\"data\":1} x              | OTHER         | ",
        "{\"type\":\"relay_message\" \"data\":1}                | OTHER         | ",
        "{\"type\":\"relay_message\",}                          | OTHER         | ",
        "[{\"type\":\"relay_message\"}]                         | OTHER         | ",
        "not json                                               | OTHER         | ",
    })
    void readsTypeAndDataInOneWalk(String message, BoothMessageReader.HotType type, String data) {
        byte[] bytes = ("##" + message + "##").getBytes(StandardCharsets.UTF_8); // inside a larger buffer
        BoothMessageReader reader = new BoothMessageReader();
        assertEquals(type, reader.read(bytes, 2, bytes.length - 4));
        long span = reader.data();
        assertEquals(data, span < 0 ? null
                : new String(bytes, BoothMessageReader.start(span), BoothMessageReader.length(span), StandardCharsets.UTF_8));
    }
}
