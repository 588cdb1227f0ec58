package relay.json;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The {@code timestamp} values of the protocols: local date-times as Python's
 * {@code datetime.now().isoformat()} writes them ({@code 2025-01-01T12:00:00.123456}), which the seeds'
 * clients parse. Always six fractional digits: Python drops the fraction when it is exactly zero, which
 * its own {@code fromisoformat} does not need and which would make the format vary once in a million.
 * Thread-safe.
 */
public final class Timestamps {
    private static final DateTimeFormatter PYTHON_ISOFORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");

    private Timestamps() {}

    /** Now, on {@code clock}'s zone, as Python's isoformat. */
    public static String now(Clock clock) {
        return format(LocalDateTime.now(clock));
    }

    public static String now() {
        return now(Clock.systemDefaultZone());
    }

    public static String format(LocalDateTime time) {
        return PYTHON_ISOFORMAT.format(time);
    }
}
