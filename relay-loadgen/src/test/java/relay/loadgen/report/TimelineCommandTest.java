package relay.loadgen.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./relay loadgen timeline} on an interval log as the load generator writes it. */
@Timeout(20)
class TimelineCommandTest {
    private static final long MS = 1_000_000;

    @TempDir
    Path dir;
    Path hlog;

    /** A warm-up second and three measured seconds; the second measured one has a 20 ms delivery. */
    @BeforeEach
    void writeLog() throws Exception {
        hlog = dir.resolve("carparty.hlog");
        try (LatencyLog log = new LatencyLog(hlog, List.of("broadcast", "send-lag"), "relay", "{}", System.currentTimeMillis())) {
            log.record(0, 40 * MS, 1);
            log.tick(false);
            for (int second = 0; second < 3; second++) {
                for (int i = 0; i < 100; i++) {
                    log.record(0, MS);
                    log.record(1, MS / 10);
                }
                if (second == 1) {
                    log.record(0, 20 * MS);
                }
                log.tick(true);
            }
        }
    }

    private static List<List<String>> rows(String out) {
        return Arrays.stream(out.split("\n")).skip(1).filter(l -> !l.startsWith("("))
                .map(l -> List.of(l.trim().split("\\s+"))).toList();
    }

    @Test
    void oneRowPerMeasuredSecondWithItsPercentilesAndMax() {
        CommandRun run = CommandRun.of("timeline", hlog.toString());

        assertEquals(0, run.exit(), run.err());
        List<List<String>> rows = rows(run.out());
        assertEquals(3, rows.size(), "the measured seconds of broadcast; no warm-up, no send-lag:\n" + run.out());
        assertEquals(List.of("broadcast", "100", "1.000", "1.000", "1.000", "1.000"), rows.get(0).subList(1, 7));
        assertEquals(List.of("broadcast", "101", "1.000", "1.000", "20.005", "20.005"), rows.get(1).subList(1, 7));
        assertTrue(run.out().startsWith("second"), run.out());
    }

    @Test
    void overKeepsOnlyTheSlowSecondsAndSeriesPicksOne() {
        List<List<String>> slow = rows(CommandRun.of("timeline", hlog.toString(), "--over", "5").out());
        assertEquals(1, slow.size(), slow.toString());
        assertEquals("20.005", slow.get(0).get(6));

        List<List<String>> lag = rows(CommandRun.of("timeline", hlog.toString(), "--series", "send-lag").out());
        assertEquals(3, lag.size(), lag.toString());
        assertTrue(lag.stream().allMatch(r -> r.get(1).equals("send-lag") && r.get(6).equals("0.100")), lag.toString());
    }

    @Test
    void aMissingLogIsAnError() {
        CommandRun run = CommandRun.of("timeline", dir.resolve("nowhere.hlog").toString());
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("no such file"), run.err());
    }
}
