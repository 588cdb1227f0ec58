package relay.loadgen.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./relay loadgen table} on summary.json files as the load generator writes them. */
@Timeout(20)
class TableCommandTest {
    @TempDir
    Path dir;

    /** A summary.json as Scenario.report writes it, trimmed to what the table reads and a few more members. */
    private Path summary(String run, String scenario, String label, String started, int rooms, double p50,
                         double p99, double p999, Double cpu, long received, long expected, String errors) throws IOException {
        Path file = dir.resolve(run).resolve("summary.json");
        Files.createDirectories(file.getParent());
        String series = scenario.equals("booth") ? "round-trip" : "broadcast";
        Files.writeString(file, """
                {"scenario":"%s","label":"%s","started":"%s","config":{"scenario":"%s","url":"ws://127.0.0.1:%d",\
                "duration":"20s","warmup":"30s","out":"%s","label":"%s","quiet":true,"server-pid":%d,"rooms":%d,"size":128},\
                "connections":500,"sent":4000,"expectedDeliveries":%d,"received":%d,"errors":%s,\
                "series":{"%s":{"count":100,"p50Ms":%s,"p99Ms":%s,"p99.9Ms":%s,"maxMs":9.5},\
                "send-lag":{"count":100,"p50Ms":0.07,"p99Ms":0.1,"p99.9Ms":0.2,"maxMs":0.3}}%s}
                """.formatted(scenario, label, started, scenario, 19500 + rooms, run, label, 4000 + rooms, rooms,
                expected, received, errors, series, p50, p99, p999,
                cpu == null ? "" : ",\"loadgenCpuUsPerMessage\":3.1,\"serverCpuUsPerDelivery\":" + cpu));
        return file;
    }

    private record Result(int exit, String out, String err) {
        List<String> rows() {
            return Arrays.stream(out.split("\n")).filter(l -> l.startsWith("| ") && !l.startsWith("| ---")).skip(1).toList();
        }
    }

    private static Result table(String... args) {
        List<String> all = new ArrayList<>(List.of("table"));
        all.addAll(List.of(args));
        CommandRun run = CommandRun.of(all.toArray(String[]::new));
        return new Result(run.exit(), run.out(), run.err());
    }

    private static List<String> cells(String row) {
        return Arrays.stream(row.split("\\|")).map(String::trim).skip(1).toList();
    }

    @Test
    void oneRowPerLoadAndServerWithEachRoundsValuesAndRoundByRoundRatios() throws IOException {
        // two rounds, interleaved as a sitting runs them: relay, uws, relay, uws
        summary("1-carparty/relay-1", "carparty", "relay", "2026-11-24T09:00:00Z", 10, 0.2, 1.2, 5.5, 6.0, 1000, 1000, "{}");
        summary("1-carparty/uws-1", "carparty", "uws", "2026-11-24T09:01:00Z", 10, 0.18, 1.5, 5.0, 5.0, 1000, 1000, "{}");
        summary("1-carparty/relay-2", "carparty", "relay", "2026-11-24T09:02:00Z", 10, 0.21, 0.9, 4.4, 7.5, 1000, 1000, "{}");
        summary("1-carparty/uws-2", "carparty", "uws", "2026-11-24T09:03:00Z", 10, 0.19, 1.0, 5.5, 6.0, 1000, 1000, "{}");

        Result r = table("--baseline", "uws", dir.toString());

        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("| load | server | p50 ms | p99 ms | p99.9 ms | max ms | CPU µs/delivery |"), r.out());
        List<String> rows = r.rows();
        assertEquals(2, rows.size(), r.out());
        assertEquals(List.of("carparty", "relay", "0.200, 0.210", "1.20, 0.900", "5.50, 4.40", "9.50, 9.50",
                "6.00, 7.50", "0.80x, 0.90x", "1.10x, 0.80x", "1.20x, 1.25x", "all"), cells(rows.get(0)));
        assertEquals(List.of("carparty", "uws", "0.180, 0.190", "1.50, 1.00", "5.00, 5.50", "9.50, 9.50",
                "5.00, 6.00", "", "", "", "all"), cells(rows.get(1)));
    }

    @Test
    void aHotSpotServersJitTimeGetsAColumnBeforeDeliveredAndOtherServersShowADash() throws IOException {
        Path relay = summary("1-carparty/relay-1", "carparty", "relay", "2026-11-24T09:00:00Z", 10, 0.2, 1.2, 5.5, 8.0, 1000, 1000, "{}");
        Files.writeString(relay, Files.readString(relay).replace("\"serverCpuUsPerDelivery\":8.0",
                "\"serverCpuUsPerDelivery\":8.0,\"serverJitCpuUsPerDelivery\":1.25"));
        summary("1-carparty/uws-1", "carparty", "uws", "2026-11-24T09:01:00Z", 10, 0.18, 1.5, 5.0, 5.0, 1000, 1000, "{}");

        Result r = table("--baseline", "uws", dir.toString());

        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("| load | server | p50 ms | p99 ms | p99.9 ms | max ms | CPU µs/delivery | p99 ratio | "
                + "p99.9 ratio | CPU ratio | of it JIT µs | delivered |"), r.out());
        assertEquals(List.of("carparty", "relay", "0.200", "1.20", "5.50", "9.50", "8.00", "0.80x", "1.10x", "1.60x",
                "1.25", "all"), cells(r.rows().get(0)));
        assertEquals("-", cells(r.rows().get(1)).get(10));
    }

    @Test
    void loadsOfOneScenarioAreNamedByTheOptionsTheyDifferIn() throws IOException {
        summary("a/relay-1", "carparty", "relay", "2026-11-24T09:00:00Z", 10, 0.2, 1.2, 5.5, 6.0, 1000, 1000, "{}");
        summary("b/relay-1", "carparty", "relay", "2026-11-24T09:01:00Z", 100, 0.2, 1.3, 5.5, 8.0, 1000, 1000, "{}");
        summary("c/relay-1", "booth", "relay", "2026-11-24T09:02:00Z", 100, 0.2, 1.3, 5.5, 30.0, 1000, 1000, "{}");

        List<String> rows = table(dir.toString()).rows();

        assertEquals(List.of("carparty rooms=10", "carparty rooms=100", "booth"),
                rows.stream().map(row -> cells(row).get(0)).toList());
    }

    @Test
    void lostDeliveriesErrorsAndAMissingCpuFigureAreShownNotHidden() throws IOException {
        summary("x/relay-1", "carparty", "relay", "2026-11-24T09:00:00Z", 10, 0.2, 1.2, 5.5, null, 990, 1000, "{\"closed\":2}");
        summary("x/ws-1", "carparty", "ws", "2026-11-24T09:01:00Z", 10, 0.2, 2.4, 5.5, 5.0, 1000, 1000, "{}");

        List<String> rows = table("--baseline", "ws", dir.toString()).rows();

        List<String> relay = cells(rows.get(0));
        assertEquals("-", relay.get(6)); // no --server-pid: no CPU figure
        assertEquals("-", relay.get(9)); // and so no CPU ratio
        assertEquals("0.50x", relay.get(7));
        assertEquals("990/1000 (2 errors)", relay.get(10));
    }

    @Test
    void unequalRoundCountsCompareMediansAndASeriesCanBeChosen() throws IOException {
        summary("x/relay-1", "carparty", "relay", "2026-11-24T09:00:00Z", 10, 0.2, 1.0, 5.0, 6.0, 1000, 1000, "{}");
        summary("x/relay-2", "carparty", "relay", "2026-11-24T09:01:00Z", 10, 0.2, 3.0, 5.0, 6.0, 1000, 1000, "{}");
        summary("x/relay-3", "carparty", "relay", "2026-11-24T09:02:00Z", 10, 0.2, 2.0, 5.0, 6.0, 1000, 1000, "{}");
        summary("x/uws-1", "carparty", "uws", "2026-11-24T09:03:00Z", 10, 0.2, 4.0, 5.0, 6.0, 1000, 1000, "{}");

        Path out = dir.resolve("out/table.md");
        Result r = table("--baseline", "uws", "--series", "send-lag", "--out", out.toString(), dir.toString());

        List<String> relay = cells(r.rows().get(0));
        assertEquals("carparty (send-lag)", relay.get(0));
        assertEquals("0.100, 0.100, 0.100", relay.get(3));
        assertEquals(r.out(), Files.readString(out));
        Result medians = table("--baseline", "uws", dir.resolve("x").toString());
        assertEquals("0.50x (medians)", cells(medians.rows().get(0)).get(7)); // median 2.0 against 4.0
    }

    @Test
    void aFileThatIsNotASummaryOrAMissingPathIsAClearError() throws IOException {
        Path bogus = dir.resolve("summary.json");
        Files.writeString(bogus, "{\"hello\":1}");
        Result notSummary = table(bogus.toString());
        assertEquals(2, notSummary.exit());
        assertTrue(notSummary.err().contains("not a load generator summary"), notSummary.err());

        Files.writeString(bogus, "{\"scenario\":\"echo\",\"series\":{\"round-trip\":1}}");
        Result badSeries = table(bogus.toString());
        assertEquals(2, badSeries.exit());
        assertTrue(badSeries.err().contains("not a load generator summary"), badSeries.err());

        Result missing = table(dir.resolve("nowhere").toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("no such file or directory"), missing.err());

        Path empty = Files.createDirectories(dir.resolve("empty"));
        Result none = table(empty.toString());
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("no summary.json"), none.err());
    }

    /** An interval log beside a run's summary.json: three measured seconds, {@code slow} of them with a 20 ms delivery. */
    private void intervalLog(String run, int slow) throws Exception {
        long ms = 1_000_000;
        try (LatencyLog log = new LatencyLog(dir.resolve(run).resolve("carparty.hlog"), List.of("broadcast", "send-lag"),
                "relay", "{}", System.currentTimeMillis())) {
            for (int second = 0; second < 3; second++) {
                log.record(0, ms);
                log.record(1, 30 * ms); // send-lag is not the reported series: never counted
                if (second < slow) {
                    log.record(0, 20 * ms);
                }
                log.tick(true);
            }
        }
    }

    @Test
    void stallsOverCountsEachRunsSecondsWithASlowerDeliveryFromItsIntervalLog() throws Exception {
        summary("1-carparty/relay-1", "carparty", "relay", "2026-11-24T09:00:00Z", 10, 0.2, 1.2, 5.5, 6.0, 1000, 1000, "{}");
        summary("1-carparty/relay-2", "carparty", "relay", "2026-11-24T09:02:00Z", 10, 0.21, 0.9, 4.4, 7.5, 1000, 1000, "{}");
        summary("1-carparty/uws-1", "carparty", "uws", "2026-11-24T09:01:00Z", 10, 0.18, 1.5, 5.0, 5.0, 1000, 1000, "{}");
        intervalLog("1-carparty/relay-1", 2);
        intervalLog("1-carparty/relay-2", 0);

        Result r = table("--stalls-over", "5", dir.toString());

        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("| load | server | p50 ms | p99 ms | p99.9 ms | max ms | CPU µs/delivery | p99 ratio | "
                + "p99.9 ratio | CPU ratio | seconds over 5 ms | delivered |"), r.out());
        List<List<String>> rows = r.rows().stream().map(TableCommandTest::cells).toList();
        assertEquals(List.of("relay", "2, 0", "all"), List.of(rows.get(0).get(1), rows.get(0).get(10), rows.get(0).get(11)));
        assertEquals(List.of("uws", "-", "all"), List.of(rows.get(1).get(1), rows.get(1).get(10), rows.get(1).get(11)),
                "a run without its interval log");
        assertTrue(r.err().contains("no interval log"), r.err());

        assertEquals(12, cells(table("--stalls-over", "20.1", dir.toString()).rows().get(0)).size());
        assertEquals("0, 0", cells(table("--stalls-over", "20.1", dir.toString()).rows().get(0)).get(10),
                "20 ms is not over 20.1 ms");
        Result bad = table("--stalls-over", "0", dir.toString());
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("--stalls-over"), bad.err());
    }
}
