package relay.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import relay.Server;
import relay.config.RelayConfig;
import relay.json.Json;

/**
 * A short bounded soak ({@code soak -d 20s}) against an in-process relay, sampling this JVM (server and
 * generator together): the mixed traffic is delivered in full, without errors, the samples are printed and
 * written, and descriptors and threads are judged flat. Memory is judged with a wide tolerance here: in 20 s
 * a fresh JVM's heap is still growing, which is why the real soak (docs/operations.md) runs for 30 minutes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SoakCommandIT {
    @Test
    @SuppressWarnings("unchecked")
    void shortSoakHoldsMixedTrafficAndFindsDescriptorsAndThreadsFlat(@TempDir Path dir) throws Exception {
        try (Server server = new Server(RelayConfig.of("127.0.0.1", 0)).start()) {
            var result = LoadgenTestSupport.run("soak", "--url", "ws://127.0.0.1:" + server.port(),
                    "--server-pid", Long.toString(ProcessHandle.current().pid()), "-d", "20s", "--warmup", "2s",
                    "--sample-interval", "1s", "--tolerance", "400", "--booth-pairs", "5", "--rooms", "2",
                    "--room-clients", "5", "--members", "5", "--churn", "4", "--drain", "3s",
                    "--out", dir.toString(), "--quiet");
            assertEquals(0, result.exitCode(), result.stdout());
            assertTrue(result.stdout().contains("server rss"), "a line per sample");
            Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("summary.json")));
            assertEquals(Map.of(), json.get("errors"));
            assertEquals(json.get("expectedDeliveries"), json.get("received"), "every delivery arrived");
            assertTrue((Long) json.get("samples") >= 15, "about one sample a second: " + json.get("samples"));
            Map<String, Object> resources = (Map<String, Object>) json.get("serverResources");
            for (String name : List.of("rss", "fds", "threads")) {
                assertEquals(Boolean.TRUE, ((Map<String, Object>) resources.get(name)).get("flat"), name + ": " + resources);
            }
            List<String> csv = Files.readAllLines(dir.resolve("soak-samples.csv"));
            assertEquals("seconds,rss_kb,fds,threads", csv.get(0));
            assertTrue(csv.size() > 15);
            // churn: 4 echo exchanges and 4 signaling pairs a second, all completed
            var summary = relay.loadgen.report.RunSummary.read(dir.resolve("soak.hlog"));
            long churn = summary.series("churn").histogram().getTotalCount();
            assertTrue(churn >= 20 * 8 * 0.8, "churn exchanges: " + churn);
            assertTrue(summary.series("round-trip").histogram().getTotalCount() > 0, "booth traffic");
            assertTrue(summary.series("broadcast").histogram().getTotalCount() > 0, "carparty traffic");
            assertTrue(summary.series("delivery").histogram().getTotalCount() > 0, "broadcast traffic");
        }
    }
}
