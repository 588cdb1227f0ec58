package relay.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import relay.testing.TestClient;
import relay.testing.TestServer;

/**
 * A real foreign client: Node's {@code ws} (installed by .ci/run into .ci/node/node_modules and found through
 * RELAY_NODE_MODULES) runs src/test/node/echo-client.js against /echo: text, binary, 1 MiB, fragmented
 * messages, ping/pong, a clean close, and 1009 one byte over the limit. Skipped only where ws is not installed.
 */
@Timeout(60)
class NodeWsClientIT {
    @Test
    void nodeWsClientTalksToEcho() throws Exception {
        String modules = System.getenv("RELAY_NODE_MODULES");
        assumeTrue(modules != null && Files.isDirectory(Path.of(modules, "ws")),
                "RELAY_NODE_MODULES does not point at an install of ws (bash .ci/run installs it)");
        Path script = Path.of("src/test/node/echo-client.js").toAbsolutePath();
        assertTrue(Files.isRegularFile(script), script.toString());
        try (TestServer server = TestServer.start()) {
            ProcessBuilder builder = new ProcessBuilder("node", script.toString(), server.uri("/echo").toString())
                    .redirectErrorStream(true);
            builder.environment().put("RELAY_NODE_MODULES", modules);
            Process node = builder.start();
            boolean finished = node.waitFor(40, TimeUnit.SECONDS);
            if (!finished) {
                node.destroyForcibly();
            }
            String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(finished, "node did not finish:\n" + output);
            assertEquals(0, node.exitValue(), output);
            for (String step : new String[] {"ok text", "ok binary", "ok binary 1 MiB", "ok text 1 MiB", "ok fragmented text",
                    "ok fragmented binary", "ok ping/pong", "ok clean close", "ok 1009 over the limit", "done"}) {
                assertTrue(output.lines().anyMatch(step::equals), "missing '" + step + "' in:\n" + output);
            }
            TestClient.await("node's connections released", () -> server.server().connections().size() == 0);
        }
    }
}
