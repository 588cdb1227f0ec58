package relay.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import relay.Server;
import relay.config.RelayConfig;
import relay.json.Json;
import relay.loadgen.report.RunSummary;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EchoScenarioIT {
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        server = new Server(RelayConfig.of("127.0.0.1", 0)).start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void shortEchoRunWritesLogDistributionsAndSummary(@TempDir Path dir) throws Exception {
        var result = LoadgenTestSupport.run("echo", "--url", "ws://127.0.0.1:" + server.port(), "-c", "4", "-r", "100",
                "-d", "1s", "--warmup", "500ms", "--drain", "2s", "--out", dir.toString(), "--label", "smoke");

        assertEquals(0, result.exitCode(), result.stdout());
        assertTrue(result.stdout().contains("p99.99"), result.stdout());
        assertTrue(result.stderr().contains("echo p50"), "progress line: " + result.stderr());
        RunSummary summary = RunSummary.read(dir.resolve("echo.hlog"));
        assertEquals("smoke", summary.label());
        long count = summary.series("echo").histogram().getTotalCount();
        assertTrue(count >= 300 && count <= 420, "about 4 x 100 measured messages, got " + count);
        assertTrue(Files.readString(dir.resolve("echo.hgrm")).contains("Percentile"));
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("summary.json")));
        assertEquals("echo", json.get("scenario"));
        assertEquals(Map.of(), json.get("errors"));
        @SuppressWarnings("unchecked")
        Map<String, Object> echo = (Map<String, Object>) ((Map<String, Object>) json.get("series")).get("echo");
        assertEquals(count, ((Number) echo.get("count")).longValue());
        assertTrue(((Map<?, ?>) json.get("config")).get("rate").toString().startsWith("100"));
        double loopBytes = ((Number) json.get("loadgenLoopBytesPerMessage")).doubleValue();
        assertTrue(loopBytes < 64, "the generator's loops allocate (almost) nothing per message: " + loopBytes);
    }

    @Test
    void connectionsScenarioOpensHoldsAndReportsServerMemory(@TempDir Path dir) throws Exception {
        long pid = ProcessHandle.current().pid(); // the in-process server's memory is this JVM's
        var result = LoadgenTestSupport.run("connections", "--url", "ws://127.0.0.1:" + server.port(), "-c", "200",
                "--source-addresses", "2", "-d", "500ms", "--server-pid", Long.toString(pid), "--out", dir.toString(), "--quiet");

        assertEquals(0, result.exitCode(), result.stdout());
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("summary.json")));
        assertEquals(200L, ((Number) json.get("opened")).longValue());
        assertTrue(((Number) json.get("connectsPerSecond")).longValue() > 0);
        assertTrue(json.containsKey("serverBytesPerConnection"), json.toString());
        assertEquals(200, RunSummary.read(dir.resolve("connections.hlog")).series("connect").histogram().getTotalCount());
    }

    @Test
    void theVirtualThreadEngineMeasuresTheSameWay(@TempDir Path dir) throws Exception {
        var result = LoadgenTestSupport.run("echo", "--engine", "virtual", "--url", "ws://127.0.0.1:" + server.port(),
                "-c", "3", "-r", "100", "-d", "1s", "--warmup", "300ms", "--out", dir.toString(), "--quiet");

        assertEquals(0, result.exitCode(), result.stdout());
        long count = RunSummary.read(dir.resolve("echo.hlog")).series("echo").histogram().getTotalCount();
        assertTrue(count >= 240 && count <= 330, "about 3 x 100 measured messages, got " + count);
    }

    @Test
    void refusedConnectionsAreCountedAndTheRunStillEndsWithItsSummary(@TempDir Path dir) throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        var result = LoadgenTestSupport.run("echo", "--url", "ws://127.0.0.1:" + closedPort, "-c", "3",
                "-d", "500ms", "--warmup", "0s", "--drain", "0s", "--out", dir.toString(), "--quiet");

        assertEquals(1, result.exitCode());
        assertTrue(result.stdout().contains("refused: 3"), result.stdout());
        assertTrue(Files.exists(dir.resolve("summary.json")));
    }

    @Test
    void aServerThatAnswersWronglyIsCountedByKind(@TempDir Path dir) throws Exception {
        // carparty against /echo: the logins come back instead of connect notices, the broadcasts go back to
        // the game server instead of to the clients
        var result = LoadgenTestSupport.run("carparty", "--url", "ws://127.0.0.1:" + server.port(), "--path", "/echo",
                "-R", "1", "-K", "2", "-M", "20", "--connect-timeout", "1s", "-d", "500ms", "--warmup", "0s",
                "--drain", "300ms", "--out", dir.toString(), "--quiet");

        assertEquals(1, result.exitCode());
        assertTrue(result.stdout().contains("login timeout (game server got no connect): 2"), result.stdout());
        assertTrue(result.stdout().contains("timeout (no delivery within --drain)"), result.stdout());
        assertTrue(Files.exists(dir.resolve("summary.json")));
    }

    @Test
    void anHttpErrorIsCountedByStatus(@TempDir Path dir) throws Exception {
        var result = LoadgenTestSupport.run("echo", "--url", "ws://127.0.0.1:" + server.port(), "--path", "/nowhere",
                "-c", "2", "-d", "500ms", "--warmup", "0s", "--drain", "0s", "--out", dir.toString(), "--quiet");

        assertEquals(1, result.exitCode());
        assertTrue(result.stdout().contains("http 404: 2"), result.stdout());
    }
}
