package relay.ws;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Incremental UTF-8 validation (RFC 3629) that can be fed a message in any number of pieces, split at any
 * byte, and fails at the first byte that cannot start or continue a valid sequence (RFC 6455 section 8.1).
 *
 * <p>Bjoern Hoehrmann's DFA, run as a shift DFA (after Per Vognsen): each byte's row packs the next state
 * for all nine states into one long, 6 bits per state, and a state is its bit offset in the row, so a step
 * is one table load that does not depend on the state and one shift that does ({@code row >>> state}): about
 * a cycle per byte instead of two dependent loads. The state is an int carried between calls,
 * {@link #ACCEPT} at a character boundary and {@link #REJECT} once invalid (which every byte keeps), checked
 * once per call. Runs of ASCII are skipped eight bytes at a time. Stateless and allocation-free.
 */
public final class Utf8Validator {
    public static final int ACCEPT = 0;
    public static final int REJECT = 6;
    private static final int STATE_BITS = 6;
    private static final long STATE_MASK = (1 << STATE_BITS) - 1;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    /** Byte -> character class. */
    private static final byte[] CLASSES = new byte[256];
    /** Hoehrmann's table, (12 * state + class) -> 12 * next state; only used to build {@link #ROWS}. */
    private static final byte[] TRANSITIONS = {
        0, 12, 24, 36, 60, 96, 84, 12, 12, 12, 48, 72, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
        12, 0, 12, 12, 12, 12, 12, 0, 12, 0, 12, 12, 12, 24, 12, 12, 12, 12, 12, 24, 12, 24, 12, 12,
        12, 12, 12, 12, 12, 12, 12, 24, 12, 12, 12, 12, 12, 24, 12, 12, 12, 12, 12, 12, 12, 24, 12, 12,
        12, 12, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12, 12, 36, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12,
        12, 36, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
    };

    static {
        for (int b = 0x80; b <= 0x8F; b++) CLASSES[b] = 1;
        for (int b = 0x90; b <= 0x9F; b++) CLASSES[b] = 9;
        for (int b = 0xA0; b <= 0xBF; b++) CLASSES[b] = 7;
        CLASSES[0xC0] = 8;
        CLASSES[0xC1] = 8;
        for (int b = 0xC2; b <= 0xDF; b++) CLASSES[b] = 2;
        CLASSES[0xE0] = 10;
        for (int b = 0xE1; b <= 0xEC; b++) CLASSES[b] = 3;
        CLASSES[0xED] = 4;
        CLASSES[0xEE] = 3;
        CLASSES[0xEF] = 3;
        CLASSES[0xF0] = 11;
        for (int b = 0xF1; b <= 0xF3; b++) CLASSES[b] = 6;
        CLASSES[0xF4] = 5;
        for (int b = 0xF5; b <= 0xFF; b++) CLASSES[b] = 8;
    }

    /** Byte -> the next state of every state k at bits [6k, 6k + 6), itself written as a bit offset 6 * next. */
    private static final long[] ROWS = new long[256];

    static {
        for (int b = 0; b < 256; b++) {
            long row = 0;
            for (int state = 0; state < TRANSITIONS.length / 12; state++) {
                int next = TRANSITIONS[12 * state + CLASSES[b]] / 12;
                row |= (long) (next * STATE_BITS) << (state * STATE_BITS);
            }
            ROWS[b] = row;
        }
    }

    private Utf8Validator() {}

    /** Feeds {@code len} bytes to a validation in {@code state}; returns the new state ({@link #REJECT} is final). */
    public static int update(int state, byte[] bytes, int offset, int length) {
        long s = state; // only the low 6 bits count: a long shift uses just those, so no masking per byte
        int i = offset;
        int end = offset + length;
        while (i < end) {
            if ((s & STATE_MASK) == ACCEPT) {
                // Fast path: skip whole words of ASCII while at a character boundary.
                while (i + 8 <= end && ((long) LONGS.get(bytes, i) & HIGH_BITS) == 0) {
                    i += 8;
                }
                if (i == end) {
                    break;
                }
            }
            // Eight steps without looking at the state: the boundary test costs more than the steps it saves.
            for (int stop = Math.min(i + 8, end); i < stop; i++) {
                s = ROWS[bytes[i] & 0xFF] >>> s;
            }
        }
        return (int) (s & STATE_MASK);
    }

    /** Whether the bytes form complete, valid UTF-8 on their own. */
    public static boolean isValid(byte[] bytes, int offset, int length) {
        return update(ACCEPT, bytes, offset, length) == ACCEPT;
    }
}
