package relay.loadgen.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The soak's verdict (the last quarter's mean against the second quarter's, per resource), and reading a stat line. */
@Timeout(10)
class ProcessResourcesTest {
    private static List<ProcessResources.Sample> samples(int n, IntToLongFunction rss, IntToLongFunction fds, IntToLongFunction threads) {
        List<ProcessResources.Sample> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new ProcessResources.Sample(i * 1_000_000_000L, rss.applyAsLong(i), fds.applyAsLong(i), threads.applyAsLong(i)));
        }
        return list;
    }

    private static boolean flat(List<ProcessResources.Trend> trends, String name) {
        return trends.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow().flat();
    }

    @Test
    void aWarmUpInTheFirstQuarterAndNoiseAfterItAreFlat() {
        // RSS climbs in the first quarter (heap filling), then saws up and down; fds and threads jitter
        var trends = ProcessResources.trends(samples(40, i -> i < 10 ? 100_000 + i * 10_000 : 200_000 + (i % 3) * 5_000,
                i -> 120 + i % 4, i -> 28 + i % 2), 10);
        assertTrue(flat(trends, "rss"), trends.toString());
        assertTrue(flat(trends, "fds"));
        assertTrue(flat(trends, "threads"));
        assertEquals(100_000, trends.get(0).first());
    }

    @Test
    void steadyGrowthIsNotFlat() {
        // a leak: 5 MB, ten descriptors and a thread more at every sample
        var trends = ProcessResources.trends(samples(40, i -> 200_000 + i * 5_000L, i -> 120 + 10L * i, i -> 28 + i), 10);
        assertFalse(flat(trends, "rss"), trends.toString());
        assertFalse(flat(trends, "fds"));
        assertFalse(flat(trends, "threads"));
        assertTrue(trends.get(0).toString().endsWith("GREW"), trends.get(0).toString());
    }

    @Test
    void smallAbsoluteChangesInDescriptorsAndThreadsAreSlack() {
        // +20 fds on 20 (100 %) and +4 threads are connections and carriers in flight, not leaks
        var trends = ProcessResources.trends(samples(40, i -> 100_000, i -> i < 20 ? 20 : 40, i -> i < 20 ? 10 : 14), 10);
        assertTrue(flat(trends, "fds"));
        assertTrue(flat(trends, "threads"));
    }

    @Test
    void tooFewSamplesGiveNoVerdict() {
        assertTrue(ProcessResources.trends(samples(ProcessResources.MIN_SAMPLES - 1, i -> 1, i -> 1, i -> 1), 10).isEmpty());
    }

    @Test
    void readsThisProcess() throws IOException {
        ProcessResources.Sample s = new ProcessResources(ProcessHandle.current().pid()).read();
        assertTrue(s.rssKb() > 1_000, "RSS of a JVM: " + s);
        assertTrue(s.fds() > 3, "at least stdin, stdout, stderr and the jars: " + s);
        assertTrue(s.threads() > 1, s.toString());
    }

    @Test
    void cpuTicksCountFieldsFromTheLastParenthesisSinceANameMayHoldSpacesAndParentheses() {
        String stat = "4242 (C2 Compiler) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 37 5 0 0 20 0 1 0 99 0 0";
        assertEquals(42, ProcessResources.cpuTicks(stat));
    }
}
