package relay.ws;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * XOR masking of payload bytes (RFC 6455 section 5.3), in place, eight bytes at a time.
 *
 * <pre>
 *   transformed-octet-i = original-octet-i XOR masking-key-octet-(i MOD 4)
 * </pre>
 * The mask key is the four key bytes as a big-endian int, as they appear on the wire.
 */
public final class Masking {
    /**
     * Words are loaded in the platform's own byte order: XOR is byte-wise, so only the key's layout in the
     * word has to match memory order, and a big-endian view would cost two byte swaps per word for nothing
     * (2-3x slower on x86; docs/performance.md, MaskingBenchmark).
     */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private Masking() {}

    /**
     * XORs {@code bytes[offset..offset+length)} with the key, the first byte taking key octet
     * {@code keyIndex % 4}; returns the key index for the byte after the last one (for payloads that
     * arrive in pieces).
     */
    public static int apply(byte[] bytes, int offset, int length, int maskKey, int keyIndex) {
        int rotated = Integer.rotateLeft(maskKey, (keyIndex & 3) * 8);
        // the key octets in memory order: octet 0 is the low byte of a little-endian word
        int inMemoryOrder = LITTLE_ENDIAN ? Integer.reverseBytes(rotated) : rotated;
        long wide = ((long) inMemoryOrder << 32) | (inMemoryOrder & 0xFFFFFFFFL);
        int i = offset;
        int end = offset + length;
        for (; i + 8 <= end; i += 8) {
            LONGS.set(bytes, i, (long) LONGS.get(bytes, i) ^ wide);
        }
        for (int shift = 24; i < end; i++, shift -= 8) {
            bytes[i] ^= (byte) (rotated >>> shift);
        }
        return (keyIndex + length) & 3;
    }

    /** Byte-at-a-time reference implementation, kept for tests and the unmasking benchmark. */
    public static int applyScalar(byte[] bytes, int offset, int length, int maskKey, int keyIndex) {
        for (int i = 0; i < length; i++) {
            int k = (keyIndex + i) & 3;
            bytes[offset + i] ^= (byte) (maskKey >>> (24 - 8 * k));
        }
        return (keyIndex + length) & 3;
    }
}
