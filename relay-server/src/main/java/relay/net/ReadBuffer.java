package relay.net;

import java.nio.ByteBuffer;

/**
 * A connection's read buffer and its size policy. It starts at {@link #INITIAL_BYTES} and doubles (up to the
 * configured read size) whenever a read fills it, so bulk traffic reads in large gulps; once traffic is small
 * again it goes back to the small buffer, so idle connections hold little. Frames larger than the buffer
 * stream through it into the message assembler either way, so its size is about read calls, never about
 * what can be received. Owned by the connection's reader thread.
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

    private final int maxBytes;
    private byte[] bytes;
    private ByteBuffer in;

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
        boolean filled = end == bytes.length;
        if (filled && bytes.length < maxBytes) {
            byte[] larger = new byte[Math.min(bytes.length * 2, maxBytes)];
            System.arraycopy(bytes, consumed, larger, 0, rest);
            replace(larger);
        } else if (n < INITIAL_BYTES && rest == 0 && bytes.length > INITIAL_BYTES) {
            replace(new byte[INITIAL_BYTES]);
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

    private void replace(byte[] next) {
        bytes = next;
        in = ByteBuffer.wrap(next);
    }
}
