package relay.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import relay.testing.TestServer;

/**
 * Foreign clients written the way the seeds' clients are, run against relay unchanged: Python
 * {@code websockets} (seed 000's booth and scanner, seed 002's test client; Debian's python3-websockets, which
 * .ci/run installs) and Node's {@code ws} for a CarParty game server and its phones (found through
 * RELAY_NODE_MODULES). Each script prints "ok STEP" lines and "done". Skipped only where the runtime or the
 * library is missing.
 */
@Timeout(90)
class SeedClientsIT {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @Test
    void seed000BoothAndScannerInPythonWebsockets() throws Exception {
        assumePythonWebsockets();
        try (TestServer server = TestServer.start(SeedClientsIT::patientIdleWindow)) {
            run(List.of(PYTHON.toString(), script("src/test/python/booth_broadcast_clients.py"), "booth", server.uri("/").toString()),
                    "booth registered", "scanner connected", "booth to scanner", "scanner to booth", "ping", "error",
                    "scanner disconnected");
        }
    }

    @Test
    void seed002BroadcastClientsInPythonWebsockets() throws Exception {
        assumePythonWebsockets();
        try (TestServer server = TestServer.start(SeedClientsIT::patientIdleWindow)) {
            run(List.of(PYTHON.toString(), script("src/test/python/booth_broadcast_clients.py"), "broadcast",
                    server.uri("/").toString()), "broadcast to every member, sender included", "binary");
        }
    }

    @Test
    void seed003GameServerAndPhonesInNodeWs() throws Exception {
        String modules = System.getenv("RELAY_NODE_MODULES");
        assumeTrue(modules != null && Files.isDirectory(Path.of(modules, "ws")),
                "RELAY_NODE_MODULES does not point at an install of ws (bash .ci/run installs it)");
        try (TestServer server = TestServer.start(SeedClientsIT::patientIdleWindow)) {
            run(List.of("node", script("src/test/node/carparty-clients.js"), server.uri("/").toString()),
                    "login", "client_id set by the relay", "broadcast", "receiver_id", "disconnect", "server_code in use",
                    "game server gone");
        }
    }

    /**
     * The scripts connect to the bare address and bind by their first frame; on a loaded machine that frame
     * may come later than the 150 ms studio idle window, so these servers allow 5 s.
     */
    private static relay.config.RelayConfig patientIdleWindow(relay.config.RelayConfig c) {
        return c.withStudio(c.studioTokens(), 5_000);
    }

    private static void assumePythonWebsockets() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "no " + PYTHON);
        Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import websockets").redirectErrorStream(true).start();
        assumeTrue(probe.waitFor(20, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "python3-websockets is not installed (bash .ci/run installs it)");
    }

    private static String script(String relative) {
        Path path = Path.of(relative).toAbsolutePath();
        assertTrue(Files.isRegularFile(path), path.toString());
        return path.toString();
    }

    private static void run(List<String> command, String... steps) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        String modules = System.getenv("RELAY_NODE_MODULES");
        if (modules != null) {
            builder.environment().put("RELAY_NODE_MODULES", modules);
        }
        Process process = builder.start();
        boolean finished = process.waitFor(60, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(finished, "did not finish:\n" + output);
        assertEquals(0, process.exitValue(), output);
        for (String step : steps) {
            assertTrue(output.lines().anyMatch(("ok " + step)::equals), "missing 'ok " + step + "' in:\n" + output);
        }
        assertTrue(output.lines().anyMatch("done"::equals), output);
    }
}
