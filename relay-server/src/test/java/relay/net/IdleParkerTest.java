package relay.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import relay.testing.RawClient;

/**
 * Which bytes a parked connection may answer in place (complete, masked Pings and Pongs) and which the parker
 * may route itself (whole, final, masked data and keep-alive frames).
 */
@Timeout(10)
class IdleParkerTest {
    private static int length(byte[] bytes) {
        return IdleParker.keepAliveFrameLength(bytes, 0, bytes.length);
    }

    @Test
    void completeMaskedPingsAndPongsAreKeepAlive() {
        assertEquals(6, length(RawClient.frame(0x89, new byte[0])));
        assertEquals(6 + 125, length(RawClient.frame(0x8A, new byte[125])));
    }

    @Test
    void everythingElseGoesToTheReader() {
        assertEquals(-1, length(RawClient.frame(0x81, new byte[] {'x'})), "text");
        assertEquals(-1, length(RawClient.frame(0x88, new byte[] {3, (byte) 0xE8})), "close");
        assertEquals(-1, length(RawClient.frame(0x09, new byte[0])), "a ping without FIN");
        assertEquals(-1, length(RawClient.frame(0xC9, new byte[0])), "a ping with RSV1");
        assertEquals(-1, length(RawClient.unmaskedFrame(0x89, new byte[0])), "unmasked");
        assertEquals(-1, length(RawClient.frame(0x89, new byte[126])), "a ping over 125 bytes");
        byte[] ping = RawClient.frame(0x89, new byte[] {1, 2, 3});
        assertEquals(-1, length(Arrays.copyOf(ping, ping.length - 1)), "cut short");
        assertEquals(-1, length(new byte[] {(byte) 0x89}), "one byte");
    }

    private static boolean whole(byte[] bytes) {
        return IdleParker.wholeDataFrames(bytes, 0, bytes.length);
    }

    private static byte[] concat(byte[]... frames) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] frame : frames) {
            out.writeBytes(frame);
        }
        return out.toByteArray();
    }

    @Test
    void wholeFinalMaskedDataAndKeepAliveFramesAreRoutedInPlace() {
        assertTrue(whole(RawClient.frame(0x81, new byte[] {'x'})), "text");
        assertTrue(whole(RawClient.frame(0x82, new byte[300])), "binary with a 16-bit length");
        assertTrue(whole(RawClient.frame(0x81, new byte[0])), "empty text");
        assertTrue(whole(concat(RawClient.frame(0x89, new byte[] {1}), RawClient.frame(0x81, new byte[5]),
                RawClient.frame(0x8A, new byte[0]))), "a ping, a text and a pong in one read");
    }

    @Test
    void anythingElseResumesTheConnection() {
        assertFalse(whole(RawClient.frame(0x88, new byte[] {3, (byte) 0xE8})), "close");
        assertFalse(whole(RawClient.frame(0x01, new byte[] {'x'})), "a first fragment");
        assertFalse(whole(RawClient.frame(0x80, new byte[] {'x'})), "a continuation");
        assertFalse(whole(RawClient.frame(0xC1, new byte[] {'x'})), "RSV1");
        assertFalse(whole(RawClient.unmaskedFrame(0x81, new byte[] {'x'})), "unmasked");
        assertFalse(whole(RawClient.frame(0x82, new byte[70_000])), "a 64-bit length");
        assertFalse(whole(RawClient.frame(0x89, new byte[126])), "a ping over 125 bytes (the reader fails it)");
        byte[] text = RawClient.frame(0x81, new byte[] {1, 2, 3});
        assertFalse(whole(Arrays.copyOf(text, text.length - 1)), "cut short");
        assertFalse(whole(concat(text, new byte[] {(byte) 0x81})), "a whole frame and the start of another");
        assertFalse(whole(concat(RawClient.frame(0x82, new byte[300]), new byte[] {(byte) 0x81, (byte) 0xFE, 1})),
                "a 16-bit length cut short");
    }
}
