package relay.json;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The {@code timestamp} values of the protocols: local date-times as Python's
 * {@code datetime.now().isoformat()} writes them ({@code 2025-01-01T12:00:00.123456}), which the seeds'
 * clients parse. Always six fractional digits: Python drops the fraction when it is exactly zero, which
 * its own {@code fromisoformat} does not need and which would make the format vary once in a million.
 * Thread-safe.
 *
 * <p>{@link #writeNow} is on the booth relay's per-message path: the date and time up to the second are
 * formatted once a second and cached, the microseconds are written as digits, so it allocates nothing.
 */
public final class Timestamps {
    /** Characters (and ASCII bytes) in every timestamp. */
    public static final int LENGTH = 26;
    private static final int SECOND_LENGTH = 19;
    private static final DateTimeFormatter PYTHON_ISOFORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");
    private static final DateTimeFormatter TO_THE_SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    /** The current second as local text; replaced (never mutated) when the second changes. */
    private record Second(long epochSecond, byte[] text) {}

    private static volatile Second current = new Second(Long.MIN_VALUE, null);

    private Timestamps() {}

    /** Now, on {@code clock}'s zone, as Python's isoformat. */
    public static String now(Clock clock) {
        return format(LocalDateTime.now(clock));
    }

    /** Now, on the system's zone, as Python's isoformat. */
    public static String now() {
        byte[] text = new byte[LENGTH];
        writeNow(text, 0);
        return new String(text, StandardCharsets.ISO_8859_1);
    }

    public static String format(LocalDateTime time) {
        return PYTHON_ISOFORMAT.format(time);
    }

    /** Writes now, on the system's zone, as the {@link #LENGTH} ASCII bytes of Python's isoformat at {@code offset}. */
    public static void writeNow(byte[] dst, int offset) {
        Instant now = Instant.now();
        long epochSecond = now.getEpochSecond();
        int micros = now.getNano() / 1000;
        Second second = current;
        if (second.epochSecond != epochSecond) {
            second = new Second(epochSecond, secondText(epochSecond));
            current = second; // racing writers store equal values
        }
        System.arraycopy(second.text, 0, dst, offset, SECOND_LENGTH);
        dst[offset + SECOND_LENGTH] = '.';
        for (int i = offset + LENGTH - 1; i > offset + SECOND_LENGTH; i--) {
            dst[i] = (byte) ('0' + micros % 10);
            micros /= 10;
        }
    }

    private static byte[] secondText(long epochSecond) {
        // The zone is looked up again every second, so a changed system zone is picked up as datetime.now() would.
        LocalDateTime local = LocalDateTime.ofInstant(Instant.ofEpochSecond(epochSecond), ZoneId.systemDefault());
        return TO_THE_SECOND.format(local).getBytes(StandardCharsets.US_ASCII);
    }
}
