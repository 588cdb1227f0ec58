package relay.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class EnvelopeTest {
    private static final NodeId NODE = new NodeId(0x0123456789abcdefL, 0xfedcba9876543210L);

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 65_535, 65_536, 1 << 20})
    void roundTripsEveryFieldWithThePayloadVerbatim(int payloadBytes) {
        byte[] payload = new byte[payloadBytes];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31);
        }
        byte[] key = "room/é".getBytes(StandardCharsets.UTF_8);
        byte[] wire = Envelope.encode(MessageKind.BROADCAST_FRAME, NODE, 42, -7, key, "sub".getBytes(), payload);
        assertEquals(Envelope.HEADER_BYTES + key.length + 3 + payloadBytes, wire.length);
        Envelope e = Envelope.decode(wire);
        assertEquals(MessageKind.BROADCAST_FRAME, e.kind());
        assertEquals(NODE, e.origin());
        assertEquals(42, e.sequence());
        assertEquals(-7, e.connection());
        assertEquals("room/é", e.keyString());
        assertEquals("sub", e.subString());
        assertArrayEquals(payload, e.payload());
    }

    @Test
    void headerIsLaidOutAsDocumented() {
        byte[] wire = Envelope.encode(MessageKind.HEARTBEAT, NODE, 0x0102030405060708L, 9, new byte[] {'k'}, null, new byte[] {'p'});
        assertEquals(1, wire[0]); // version
        assertEquals(MessageKind.HEARTBEAT.code, wire[1]);
        assertEquals(1, wire[3]); // key length, big-endian
        assertEquals(0, wire[5]); // sub length
        assertEquals(0x01, wire[8]); // origin high, first byte
        assertEquals(0x10, wire[23] & 0xFF); // origin low, last byte
        assertEquals(0x08, wire[31]); // sequence, last byte
        assertEquals(9, wire[39]); // connection, last byte
        assertEquals(1, wire[43]); // payload length, last byte
        assertEquals('k', wire[44]);
        assertEquals('p', wire[45]);
    }

    @Test
    void rejectsTruncatedAndForeignMessages() {
        byte[] wire = Envelope.encode(MessageKind.BROADCAST_FRAME, NODE, 1, 0, new byte[] {'k'}, null, new byte[10]);
        assertThrows(IllegalArgumentException.class, () -> Envelope.decode(java.util.Arrays.copyOf(wire, wire.length - 1)));
        assertThrows(IllegalArgumentException.class, () -> Envelope.decode(java.util.Arrays.copyOf(wire, wire.length + 1)));
        assertThrows(IllegalArgumentException.class, () -> Envelope.decode(new byte[10]));
        byte[] otherVersion = wire.clone();
        otherVersion[0] = 2;
        assertThrows(IllegalArgumentException.class, () -> Envelope.decode(otherVersion));
    }

    @Test
    void keepsAnUnknownKindAsNullSoNewerNodesCanBeSkipped() {
        byte[] wire = Envelope.encode(MessageKind.BROADCAST_FRAME, NODE, 1, 0, new byte[0], null, null);
        wire[1] = (byte) 250;
        assertNull(Envelope.decode(wire).kind());
    }

    @Test
    void nodeIdsPrintAndParseAs32HexDigits() {
        assertEquals("0123456789abcdeffedcba9876543210", NODE.toString());
        assertEquals(NODE, NodeId.parse(NODE.toString()));
        NodeId random = NodeId.random();
        assertEquals(random, NodeId.parse(random.toString()));
    }
}
