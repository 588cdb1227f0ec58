package relay.loadgen.scenario;

/**
 * The timestamp a load-generator message carries: its intended send time, as nanoseconds since the run's
 * base time, written as a fixed-width decimal string member {@code "t":"0000001234567890"} (16 digits,
 * about 116 days). Text rather than binary so that the relays' JSON handling (client_id injection, booth
 * wrapping, signaling rewriting) carries it through unchanged; fixed width so that it is patched in place
 * in a preallocated frame and found again by a byte scan, with no parsing or allocation.
 */
public final class Stamp {
    public static final int DIGITS = 16;
    static final byte[] KEY = {'"', 't', '"', ':', '"'};

    private Stamp() {}

    /** Writes {@code value} as {@link #DIGITS} zero-padded digits at {@code pos}. */
    public static void write(byte[] buf, int pos, long value) {
        writeDigits(buf, pos, value, DIGITS);
    }

    /** Writes {@code value} as {@code width} zero-padded decimal digits at {@code pos} (fixed-width fields patched in place). */
    public static void writeDigits(byte[] buf, int pos, long value, int width) {
        for (int i = pos + width - 1; i >= pos; i--) {
            buf[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }

    /** The position of the first digit after {@code "t":"} in the range, or -1. */
    public static int find(byte[] bytes, int offset, int length) {
        int at = indexOf(bytes, offset, length, KEY);
        return at < 0 || at + KEY.length + DIGITS > offset + length ? -1 : at + KEY.length;
    }

    /** Reads the digits at {@code pos} (as found by {@link #find}); -1 when they are not all digits. */
    public static long read(byte[] bytes, int pos) {
        long value = 0;
        for (int i = pos; i < pos + DIGITS; i++) {
            int d = bytes[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    /** Finds and reads the stamp in one step; -1 when there is none. */
    public static long findAndRead(byte[] bytes, int offset, int length) {
        int pos = find(bytes, offset, length);
        return pos < 0 ? -1 : read(bytes, pos);
    }

    /** Naive byte search; the patterns are short and sit near the start of our messages. */
    public static int indexOf(byte[] bytes, int offset, int length, byte[] pattern) {
        int last = offset + length - pattern.length;
        byte first = pattern[0];
        outer:
        for (int i = offset; i <= last; i++) {
            if (bytes[i] != first) {
                continue;
            }
            for (int j = 1; j < pattern.length; j++) {
                if (bytes[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    public static boolean contains(byte[] bytes, int offset, int length, byte[] pattern) {
        return indexOf(bytes, offset, length, pattern) >= 0;
    }
}
