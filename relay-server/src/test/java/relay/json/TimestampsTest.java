package relay.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TimestampsTest {
    private static final String PYTHON_ISOFORMAT = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}";

    @Test
    void writesNowAsPythonIsoformatBetweenTheClockReadsAroundIt() {
        LocalDateTime before = LocalDateTime.now().truncatedTo(ChronoUnit.MICROS);
        String now = Timestamps.now();
        LocalDateTime after = LocalDateTime.now();
        assertTrue(now.matches(PYTHON_ISOFORMAT), now);
        LocalDateTime parsed = LocalDateTime.parse(now);
        assertFalse(parsed.isBefore(before), now + " < " + before);
        assertFalse(parsed.isAfter(after), now + " > " + after);
    }

    @Test
    void writesAtTheOffsetAndNothingElse() {
        byte[] dst = new byte[Timestamps.LENGTH + 6];
        java.util.Arrays.fill(dst, (byte) '#');
        Timestamps.writeNow(dst, 3);
        String text = new String(dst, StandardCharsets.US_ASCII);
        assertEquals("###", text.substring(0, 3));
        assertEquals("###", text.substring(3 + Timestamps.LENGTH));
        assertTrue(text.substring(3, 3 + Timestamps.LENGTH).matches(PYTHON_ISOFORMAT), text);
    }

    @Test
    void staysCorrectAndInOrderAcrossSecondBoundaries() {
        // The seconds are cached: every value across at least one change of second must still be the clock's.
        LocalDateTime start = LocalDateTime.now();
        LocalDateTime previous = LocalDateTime.MIN;
        int secondsSeen = 0;
        int lastSecond = -1;
        while (secondsSeen < 2 && LocalDateTime.now().isBefore(start.plusSeconds(3))) {
            LocalDateTime before = LocalDateTime.now().truncatedTo(ChronoUnit.MICROS);
            LocalDateTime t = LocalDateTime.parse(Timestamps.now());
            LocalDateTime after = LocalDateTime.now();
            assertFalse(t.isBefore(before) || t.isAfter(after), t + " outside " + before + ".." + after);
            assertFalse(t.isBefore(previous), t + " after " + previous);
            previous = t;
            if (t.getSecond() != lastSecond) {
                lastSecond = t.getSecond();
                secondsSeen++;
            }
        }
        assertEquals(2, secondsSeen);
    }

    @Test
    void formatsAGivenTimeWithSixFractionDigits() {
        assertEquals("2025-01-01T12:00:00.000000", Timestamps.format(LocalDateTime.of(2025, 1, 1, 12, 0)));
        assertEquals("2025-01-01T12:00:00.123456", Timestamps.format(LocalDateTime.of(2025, 1, 1, 12, 0, 0, 123_456_789)));
    }
}
