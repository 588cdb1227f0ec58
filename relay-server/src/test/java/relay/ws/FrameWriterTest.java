package relay.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The encoder (RFC 6455 section 5.2): header layouts, minimal lengths, round trips through the decoder. */
@Timeout(30)
class FrameWriterTest {
    @ParameterizedTest(name = "5.2 round trip of a {0}-byte masked binary frame")
    @ValueSource(ints = {0, 1, 125, 126, 127, 65535, 65536, 70000})
    void maskedClientFramesRoundTripThroughTheDecoder(int length) {
        byte[] payload = Wire.pattern(length);
        byte[] frame = FrameWriter.encodeMasked(true, Opcode.BINARY, payload, 0, length, 0x11223344);
        assertEquals(FrameWriter.headerLength(length, true) + length, frame.length);
        assertEquals(List.of(Wire.binary(payload)), Wire.decodeWhole(frame, 1 << 20).events());
        assertEquals(List.of(Wire.binary(payload)), Wire.decodeBytewise(frame, 1 << 20).events());
    }

    @ParameterizedTest(name = "5.2 header of a {0}-byte unmasked server frame")
    @ValueSource(ints = {0, 125, 126, 65535, 65536})
    void serverFramesUseTheMinimalLengthAndNoMask(int length) {
        byte[] payload = Wire.pattern(length);
        byte[] frame = FrameWriter.encode(Opcode.TEXT, payload);
        assertEquals(0x81, frame[0] & 0xFF, "FIN + text");
        assertEquals(0, frame[1] & 0x80, "5.1: a server MUST NOT mask frames");
        int len7 = frame[1] & 0x7F;
        int header;
        long decoded;
        if (length < 126) {
            header = 2;
            decoded = len7;
        } else if (length <= 0xFFFF) {
            assertEquals(126, len7);
            header = 4;
            decoded = ((frame[2] & 0xFF) << 8) | (frame[3] & 0xFF);
        } else {
            assertEquals(127, len7);
            header = 10;
            decoded = 0;
            for (int i = 0; i < 8; i++) {
                decoded = (decoded << 8) | (frame[2 + i] & 0xFF);
            }
        }
        assertEquals(length, decoded);
        assertEquals(header, FrameWriter.headerLength(length, false));
        assertEquals(header + length, frame.length);
        assertArrayEquals(payload, java.util.Arrays.copyOfRange(frame, header, frame.length));
    }

    @Test
    void writesTheRfcExampleFrames() {
        // 5.7: a single-frame unmasked text message "Hello"
        assertArrayEquals(Wire.bytes(0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f), FrameWriter.encodeText("Hello"));
        // 5.7: a single-frame masked text message "Hello"
        assertArrayEquals(Wire.bytes(0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58),
                FrameWriter.encodeMasked(true, Opcode.TEXT, "Hello".getBytes(StandardCharsets.US_ASCII), 0, 5, 0x37fa213d));
        // 5.7: the first fragment "Hel" of a fragmented text message, here masked with an all-zero key
        assertArrayEquals(Wire.bytes(0x01, 0x83, 0, 0, 0, 0, 0x48, 0x65, 0x6c),
                FrameWriter.encodeMasked(false, Opcode.TEXT, "Hel".getBytes(StandardCharsets.US_ASCII), 0, 3, 0));
        // 5.7: 256 bytes binary message in a single unmasked frame: 0x82 0x7E 0x0100
        byte[] frame = FrameWriter.encode(Opcode.BINARY, new byte[256]);
        assertArrayEquals(Wire.bytes(0x82, 0x7E, 0x01, 0x00), java.util.Arrays.copyOf(frame, 4));
        // 5.7: 64 KiB binary message in a single unmasked frame: 0x82 0x7F 0x0000000000010000
        frame = FrameWriter.encode(Opcode.BINARY, new byte[65536]);
        assertArrayEquals(Wire.bytes(0x82, 0x7F, 0, 0, 0, 0, 0, 0x01, 0, 0), java.util.Arrays.copyOf(frame, 10));
    }

    @Test
    void encodesASliceWithoutTouchingTheRest() {
        byte[] source = Wire.pattern(100);
        byte[] copy = source.clone();
        byte[] frame = FrameWriter.encode(Opcode.BINARY, source, 10, 20);
        assertArrayEquals(copy, source);
        assertArrayEquals(java.util.Arrays.copyOfRange(source, 10, 30), java.util.Arrays.copyOfRange(frame, 2, 22));
    }

    @Test
    void closePayloadCarriesTheCodeAndAReasonCutToFitOnACharacterBoundary() {
        assertArrayEquals(Wire.bytes(0x03, 0xE9), FrameWriter.closePayload(1001, null));
        assertArrayEquals(Wire.cat(Wire.bytes(0x0F, 0xA0), Wire.utf8("bye")), FrameWriter.closePayload(4000, "bye"));
        String longReason = "€".repeat(60); // 180 bytes
        byte[] payload = FrameWriter.closePayload(1000, longReason);
        assertTrue(payload.length <= 125, "5.5: control frame payload at most 125 bytes");
        assertEquals(2 + 41 * 3, payload.length, "cut after the last whole character that fits");
        assertTrue(Utf8Validator.isValid(payload, 2, payload.length - 2));
        byte[] close = FrameWriter.encodeClose(1000, longReason);
        // a server's Close decodes as the client would read it: same code, valid reason
        byte[] asClient = FrameWriter.encodeMasked(true, Opcode.CLOSE, payload, 0, payload.length, 0x01020304);
        assertEquals(List.of("close:1000:" + "€".repeat(41)), Wire.decodeWhole(asClient, 1 << 20).events());
        assertEquals(2 + payload.length, close.length);
    }
}
