package relay.net;

import java.nio.ByteBuffer;

/**
 * A connection's read buffer and its size policy. It starts at {@link #INITIAL_BYTES} and doubles (up to the
 * configured read size) whenever a read fills it, so bulk traffic reads in large gulps. It goes back to the
 * small buffer only when traffic has been small for a while: after {@link #SHRINK_AFTER_SMALL_READS} small
 * reads in a row, or at the first small read after {@link #IDLE_NS} without any (on an idle connection, the
 * answer to the idle sweeper's ping). So a client alternating large and small messages keeps its buffer
 * instead of reallocating every doubling for each large one, and an idle connection holds the small buffer
 * from its first ping on. Frames larger than the buffer stream through it into the message assembler either
 * way: its size is about read calls, never about what can be received. Owned by the connection's reader
 * thread.
 *
 * <pre>
 *   0                 length()            capacity
 *   | bytes not yet   | free: the next    |
 *   | decoded         | read lands here   |
 * </pre>
 */
final class ReadBuffer {
    /** First read buffer: enough for the small frames of all five protocols. */
    static final int INITIAL_BYTES = 512;
    /** Small reads (under {@link #INITIAL_BYTES}) in a row after which a grown buffer shrinks: a few seconds of chatter. */
    static final int SHRINK_AFTER_SMALL_READS = 32;
    /** A read after this long without one ends an idle spell; the sweeper's ping brings one within its interval. */
    static final long IDLE_NS = 1_000_000_000L;

    private final int maxBytes;
    private byte[] bytes;
    private ByteBuffer in;
    private int smallReads;
    private long lastReadAtNs;

    /** @param maxBytes the configured read size ({@code --read-buffer-bytes}) */
    ReadBuffer(int maxBytes) {
        this.maxBytes = maxBytes;
        this.bytes = new byte[Math.min(INITIAL_BYTES, maxBytes)];
        this.in = ByteBuffer.wrap(bytes);
    }

    /** Where the next read goes: positioned after the bytes kept. */
    ByteBuffer input() {
        return in;
    }

    byte[] array() {
        return bytes;
    }

    /** Bytes held from index 0: those kept from before plus those read since. */
    int length() {
        return in.position();
    }

    /** Appends bytes that arrived before the read loop (behind the request head); they fit the initial buffer. */
    void put(byte[] source, int offset, int length) {
        in.put(source, offset, length);
    }

    /**
     * After a read of {@code n} bytes was decoded: drops the {@code consumed} bytes at the front, keeps the rest
     * (a partial frame header) and resizes by the policy.
     */
    void consumed(int consumed, int n, long nowNs) {
        int end = in.position();
        int rest = end - consumed;
        boolean idle = nowNs - lastReadAtNs > IDLE_NS;
        lastReadAtNs = nowNs;
        smallReads = n < INITIAL_BYTES ? smallReads + 1 : 0;
        if (end == bytes.length && bytes.length < maxBytes) {
            resize(Math.min(bytes.length * 2, maxBytes), consumed, rest);
        } else if (bytes.length > INITIAL_BYTES && smallReads > 0 && rest <= INITIAL_BYTES
                && (smallReads >= SHRINK_AFTER_SMALL_READS || idle)) {
            resize(INITIAL_BYTES, consumed, rest);
        } else if (rest > 0 && consumed > 0) {
            System.arraycopy(bytes, consumed, bytes, 0, rest);
        }
        in.clear().position(rest);
    }

    /** Forgets everything held (the connection is only draining). */
    void discard() {
        in.clear();
    }

    /** The current capacity, for tests and benchmarks. */
    int capacity() {
        return bytes.length;
    }

    private void resize(int capacity, int consumed, int rest) {
        byte[] next = new byte[capacity];
        System.arraycopy(bytes, consumed, next, 0, rest);
        bytes = next;
        in = ByteBuffer.wrap(next);
        smallReads = 0;
    }
}
