package relay.proto.carparty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import relay.json.Json;
import relay.json.JsonObjectCursor;
import relay.json.JsonSyntax;
import relay.ws.FrameWriter;
import relay.ws.Opcode;

/**
 * protocols.md "carparty": a client's object goes to the server with client_id set to the client's id. relay
 * touches only that member: every other byte is copied as the client wrote it. Anything but one JSON object is
 * refused, judged in the same walk ({@link JsonSyntax#isObject}'s verdict, relay's earlier separate check).
 */
@Timeout(30)
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
        "{\"a\":1,\"client_id\":[1,{}],\"b\":2,\"client_id\":\"y\",\"c\":3} | {\"a\":1,\"client_id\":\"c1\",\"b\":2,\"client_id\":\"c1\",\"c\":3}",
    })
    void setsClientIdAndCopiesTheRest(String in, String expected) {
        byte[] id = Json.write("c1");
        byte[] payload = ("#" + in + "#").getBytes(StandardCharsets.UTF_8); // the message sits inside a larger buffer
        byte[] frame = CarpartyEndpoint.withClientId(new JsonObjectCursor(), payload, 1, payload.length - 2, id);
        assertEquals(expected, payloadOf(frame));
        assertArrayEquals(FrameWriter.encode(Opcode.TEXT, expected.getBytes(StandardCharsets.UTF_8)), frame, "one exactly sized frame");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "[1,2]", "\"text\"", "42", "null", "not json", "{", "{\"a\":1", "{\"a\":1}}", "{\"a\":1} x",
        "{\"a\":01}", "{\"a\":\"t\tb\"}", "{\"client_id\":}", "{\"a\":1,}", "{,}", "{\"a\" 1}",
        "{\"a\":[1,]}", "{\"a\":\"\\x\"}", "`{\"client_id\":\"x\",\"a\":1 2}`", "`{\"a\":1,\"client_id\":2,\"b\":tru}`",
    })
    void refusesAnythingButOneJsonObject(String in) {
        byte[] payload = ("#" + in + "#").getBytes(StandardCharsets.UTF_8);
        assertNull(CarpartyEndpoint.withClientId(new JsonObjectCursor(), payload, 1, payload.length - 2, Json.write("c1")));
    }

    @Test
    void splicesAndRefusesAsTheSeparateCheckDidOnMutatedInputs() {
        String[] seeds = {
            "{\"input\":{\"steer\":0.25,\"throttle\":1},\"seq\":12345,\"p\":\"xx\"}",
            "{\"client_id\":\"x\",\"a\":[1,-2.5e3,true,null],\"s\":\"q\\\"b\\u0041\",\"client_id\":7}",
            " { \"a\" : { \"client_id\" : 1 } , \"client\\u005fid\" : \"z\" } ",
        };
        byte[] alphabet = "{}[]\":,0123456789-+.eEtrufalsn\\ abu/_\tcid".getBytes(StandardCharsets.UTF_8);
        byte[] id = Json.write("c1");
        JsonObjectCursor cursor = new JsonObjectCursor();
        Random random = new Random(11);
        for (String seed : seeds) {
            byte[] base = seed.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 20_000; i++) {
                byte[] m = base.clone();
                for (int k = random.nextInt(3) + 1; k > 0; k--) {
                    m[random.nextInt(m.length)] = alphabet[random.nextInt(alphabet.length)];
                }
                byte[] framed = new byte[m.length + 2];
                System.arraycopy(m, 0, framed, 1, m.length);
                byte[] expected = JsonSyntax.isObject(m, 0, m.length) ? oldWithClientId(m, id) : null;
                assertArrayEquals(expected, CarpartyEndpoint.withClientId(cursor, framed, 1, m.length, id),
                        new String(m, StandardCharsets.UTF_8));
            }
        }
    }

    /** relay's splice before the checked walk, for a message JsonSyntax accepted: measure, then write. */
    private static byte[] oldWithClientId(byte[] bytes, byte[] idJson) {
        byte[] name = "client_id".getBytes(StandardCharsets.US_ASCII);
        JsonObjectCursor cursor = new JsonObjectCursor();
        cursor.reset(bytes, 0, bytes.length);
        int replaced = 0;
        int removedBytes = 0;
        boolean hasMembers = false;
        while (cursor.next()) {
            hasMembers = true;
            if (cursor.keyIs(name)) {
                replaced++;
                removedBytes += cursor.valueEnd() - cursor.valueStart();
            }
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        if (replaced == 0) {
            int brace = 0;
            while (bytes[brace] != '{') {
                brace++;
            }
            out.write(bytes, 0, brace + 1);
            out.writeBytes("\"client_id\":".getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(idJson);
            if (hasMembers) {
                out.write(',');
            }
            out.write(bytes, brace + 1, bytes.length - brace - 1);
        } else {
            int from = 0;
            cursor.reset(bytes, 0, bytes.length);
            while (cursor.next()) {
                if (cursor.keyIs(name)) {
                    out.write(bytes, from, cursor.valueStart() - from);
                    out.writeBytes(idJson);
                    from = cursor.valueEnd();
                }
            }
            out.write(bytes, from, bytes.length - from);
        }
        byte[] payload = out.toByteArray();
        assertEquals(replaced > 0 ? bytes.length - removedBytes + replaced * idJson.length
                : bytes.length + 12 + idJson.length + (hasMembers ? 1 : 0), payload.length);
        return FrameWriter.encode(Opcode.TEXT, payload);
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
