package relay.loadgen.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log keeps exactly the measured values: warm-up values are recorded (so the same code runs in both
 * phases) but never reach the {@code .hlog}, neither in a warm-up interval nor in a measured one.
 */
@Timeout(30)
class LatencyLogTest {
    private static final long MS = 1_000_000;

    @TempDir
    Path dir;

    @Test
    void warmUpValuesAreRecordedButNeverWritten() throws Exception {
        Path hlog = dir.resolve("run.hlog");
        try (LatencyLog log = new LatencyLog(hlog, List.of("broadcast", "input"), "test", "{}", System.currentTimeMillis())) {
            log.record(0, 50 * MS, 1);
            log.record(1, 70 * MS, 1);
            log.tick(false); // the end of a warm-up second
            log.record(0, 2 * MS, 0);
            log.record(0, 3 * MS, 0);
            log.record(0, 90 * MS, 1); // sent in the warm-up, arrived in the first measured second
            log.record(1, 4 * MS);
            log.tick(true);
            log.record(0, 80 * MS, 1);
            log.tick(true);
        }

        RunSummary summary = RunSummary.read(hlog);
        RunSummary.Series broadcast = summary.series("broadcast");
        assertEquals(2, broadcast.histogram().getTotalCount());
        assertEquals(3.0, broadcast.histogram().getMaxValue() / (double) MS, 0.01, "no warm-up value among them");
        assertEquals(1, summary.series("input").histogram().getTotalCount());
        long intervals = Files.readAllLines(hlog).stream().filter(l -> l.startsWith("Tag=")).count();
        assertEquals(4, intervals, "two measured seconds of two series; the warm-up second is not written");
    }
}
