package relay.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The read buffer grows under bulk reads and shrinks only after a run of small reads or an idle spell. */
@Timeout(10)
class ReadBufferTest {
    private static final int MAX = 64 * 1024;
    private static final long MS = 1_000_000;

    private final ReadBuffer buffer = new ReadBuffer(MAX);
    private long nowNs = 5_000 * MS;

    /** One read of {@code n} bytes (at most what is free), of which all but {@code keep} are decoded. */
    private void read(int n, int keep) {
        int free = buffer.input().remaining();
        int count = Math.min(n, free);
        buffer.input().put(new byte[count]);
        nowNs += MS;
        buffer.consumed(buffer.length() - keep, count, nowNs);
    }

    private void growToMax() {
        while (buffer.capacity() < MAX) {
            read(MAX, 0);
        }
    }

    @Test
    void startsSmallAndDoublesWhileReadsFillIt() {
        assertEquals(ReadBuffer.INITIAL_BYTES, buffer.capacity());
        read(MAX, 0);
        assertEquals(1024, buffer.capacity());
        read(MAX, 0);
        assertEquals(2048, buffer.capacity());
        growToMax();
        read(MAX, 0);
        assertEquals(MAX, buffer.capacity(), "never beyond the configured read size");
    }

    @Test
    void keepsItsBufferWhenLargeAndSmallMessagesAlternate() {
        growToMax();
        byte[] grown = buffer.array();
        for (int i = 0; i < 10 * ReadBuffer.SHRINK_AFTER_SMALL_READS; i++) {
            read(64, 0);
            read(MAX, 0);
        }
        assertSame(grown, buffer.array(), "no reallocation");
    }

    @Test
    void shrinksAfterARunOfSmallReads() {
        growToMax();
        for (int i = 1; i < ReadBuffer.SHRINK_AFTER_SMALL_READS; i++) {
            read(64, 0);
        }
        assertEquals(MAX, buffer.capacity());
        read(64, 0);
        assertEquals(ReadBuffer.INITIAL_BYTES, buffer.capacity());
    }

    @Test
    void shrinksAtTheFirstSmallReadAfterAnIdleSpell() {
        growToMax();
        nowNs += ReadBuffer.IDLE_NS;
        read(MAX, 0);
        assertEquals(MAX, buffer.capacity(), "a large read after a pause is bulk traffic again");
        nowNs += ReadBuffer.IDLE_NS;
        read(6, 0); // e.g. the Pong answering the idle sweeper's Ping
        assertEquals(ReadBuffer.INITIAL_BYTES, buffer.capacity());
    }

    @Test
    void keepsAPartialFrameAcrossEveryResize() {
        buffer.input().put(new byte[500]);
        buffer.input().put(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        buffer.consumed(500, 512, nowNs += MS); // filled: grows, keeping the 12 undecoded bytes
        assertEquals(1024, buffer.capacity());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, Arrays.copyOf(buffer.array(), buffer.length()));
        growToMax();
        buffer.input().put(new byte[] {7, 7, 7});
        nowNs += 2 * ReadBuffer.IDLE_NS;
        buffer.consumed(0, 3, nowNs); // idle, small, three bytes of a header still to come
        assertEquals(ReadBuffer.INITIAL_BYTES, buffer.capacity());
        assertArrayEquals(new byte[] {7, 7, 7}, Arrays.copyOf(buffer.array(), buffer.length()));
    }
}
