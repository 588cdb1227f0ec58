package relay.proto.carparty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import relay.json.Json;
import relay.json.JsonObjectCursor;
import relay.ws.FrameWriter;
import relay.ws.Opcode;

/**
 * protocols.md "carparty": a client's object goes to the server with client_id set to the client's id. relay
 * touches only that member: every other byte is copied as the client wrote it.
 */
class ClientIdSpliceTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{}                                  | {\"client_id\":\"c1\"}",
        "{\"a\":1}                           | {\"client_id\":\"c1\",\"a\":1}",
        "  { \"a\" : [1, 2] }                |   {\"client_id\":\"c1\", \"a\" : [1, 2] }",
        "{\"client_id\":\"x\",\"a\":1}       | {\"client_id\":\"c1\",\"a\":1}",
        "{\"a\":1, \"client_id\" : 42 }      | {\"a\":1, \"client_id\" : \"c1\" }",
        "{\"client_id\":1,\"client_id\":2}   | {\"client_id\":\"c1\",\"client_id\":\"c1\"}",
        "{\"n\":{\"client_id\":\"inner\"}}   | {\"client_id\":\"c1\",\"n\":{\"client_id\":\"inner\"}}",
        "{\"client\\u005fid\":null}          | {\"client\\u005fid\":\"c1\"}",
    })
    void setsClientIdAndCopiesTheRest(String in, String expected) {
        byte[] id = Json.write("c1");
        byte[] payload = ("#" + in + "#").getBytes(StandardCharsets.UTF_8); // the message sits inside a larger buffer
        byte[] frame = CarpartyEndpoint.withClientId(new JsonObjectCursor(), payload, 1, payload.length - 2, id);
        assertEquals(expected, payloadOf(frame));
        assertArrayEquals(FrameWriter.encode(Opcode.TEXT, expected.getBytes(StandardCharsets.UTF_8)), frame, "one exactly sized frame");
    }

    /** The payload of an unmasked server frame. */
    private static String payloadOf(byte[] frame) {
        int length = frame[1] & 0x7F;
        int header = length < 126 ? 2 : length == 126 ? 4 : 10;
        return new String(frame, header, frame.length - header, StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0} chars")
    @CsvSource({"100", "126", "65535", "65536"})
    void sizesTheFrameHeaderForTheFinalLength(int size) {
        String in = "{\"p\":\"" + "x".repeat(size) + "\"}";
        byte[] payload = in.getBytes(StandardCharsets.UTF_8);
        byte[] frame = CarpartyEndpoint.withClientId(new JsonObjectCursor(), payload, 0, payload.length, Json.write("id"));
        byte[] expected = ("{\"client_id\":\"id\"," + in.substring(1)).getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(FrameWriter.encode(Opcode.TEXT, expected), frame);
    }
}
