package relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import relay.testing.TestServer;

/**
 * The seeds' users, played by {@code src/test/python/seed_clients.py} on Python's {@code websockets} (Debian's
 * {@code python3-websockets}, installed by .ci/run): a seed 004 PC client with its Android peer and a seed 000
 * booth with its scanner, all on the root URL of an auto listener, as the originals were reached. Skipped only
 * where {@code /usr/bin/python3} lacks websockets.
 */
@Timeout(60)
class PythonClientsIT {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path SCRIPT = Path.of("src/test/python/seed_clients.py");

    @BeforeAll
    static void requirePythonWebsockets() throws Exception {
        boolean available = Files.isExecutable(PYTHON)
                && run(PYTHON.toString(), "-c", "import websockets").exitCode() == 0;
        assumeTrue(available, "/usr/bin/python3 with websockets (apt-get install python3-websockets) is not installed");
    }

    private record Result(int exitCode, String output) {}

    private static Result run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(-1, "timed out after 30 s\n" + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static void play(TestServer server, String part) throws Exception {
        Result result = run(PYTHON.toString(), SCRIPT.toString(), "ws://127.0.0.1:" + server.port(), part);
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().endsWith("OK\n"), result.output());
    }

    @Test
    void seed004PcClientAndAndroidPeerSignalThroughTheRootUrl() throws Exception {
        try (TestServer server = TestServer.start()) {
            play(server, "signaling");
        }
    }

    @Test
    void seed000BoothAndScannerRelayThroughTheRootUrl() throws Exception {
        try (TestServer server = TestServer.start()) {
            play(server, "booth");
        }
    }
}
