package relay.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import relay.testing.RawClient;

/** Which bytes a parked connection may answer in place: complete, masked Pings and Pongs only. */
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
}
