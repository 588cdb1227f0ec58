package relay.loadgen.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import relay.Server;
import relay.config.ListenerSpec;
import relay.config.RelayConfig;
import relay.json.Json;

/** The {@code ./relay client ...} commands, stdin scripted and stdout asserted, against an in-process relay. */
@Timeout(60)
class ClientCommandsIT {
    private Server server;

    @BeforeEach
    void start() throws Exception {
        server = serve(null);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static Server serve(Path studioTokens) throws Exception {
        return new Server(RelayConfig.of("127.0.0.1", 0).withStudio(studioTokens, RelayConfig.DEFAULT_STUDIO_IDLE_WINDOW_MS)
                .withListeners(List.of(new ListenerSpec("127.0.0.1", 0, ListenerSpec.AUTO)))).start();
    }

    private String url(String path) {
        return "ws://127.0.0.1:" + server.port() + path;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> table(String id) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/studio/tables/" + id)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return (Map<String, Object>) Json.parse(response.body());
    }

    @Test
    void studioDemoRunsTheFiveStepsAgainstATable() throws Exception {
        try (ClientRun demo = ClientRun.start("studio", "--url", url("/studio"), "--delay-ms", "0")) {
            assertEquals(0, demo.awaitExit(), String.join("\n", demo.lines()));
            List<String> lines = demo.lines();
            assertEquals("* connected to " + url("/studio"), lines.get(0));
            assertEquals("< {\"message\":\"Connected to Studio WebSocket Server\",\"status\":\"ready\"}", lines.get(1));
            assertEquals("> {\"id\":\"ARO-001_dealerPC\",\"token\":\"MY_TOKEN\"}", lines.get(2));
            assertTrue(lines.get(3).startsWith("< {\"TABLE_ID\":\"ARO-001\",\"UPTIME\":0,"), lines.get(3));
            for (String step : List.of("* 1. Service status updates (SDP, IDP)", "* 2. Device status updates (Roulette, Shaker, Broker)",
                    "* 3. Multiple simultaneous updates", "* 4. Maintenance mode toggle", "* 5. Calibration status", "* demo done")) {
                assertTrue(lines.contains(step), step + " in " + lines);
            }
            assertEquals(10, lines.stream().filter("< {\"status\":\"updated\",\"table_id\":\"ARO-001\"}"::equals).count());
            assertTrue(lines.contains("> {\"maintenance\":true}"), lines.toString());
            assertEquals("* closed 1000", lines.get(lines.size() - 1));
        }
        Map<String, Object> status = table("ARO-001");
        assertEquals(10L, status.get("UPTIME"));
        assertEquals("calibration", status.get("SDP"));
        assertEquals("calibration", status.get("IDP"));
        assertEquals("up", status.get("BROKER"));
        assertEquals("down", status.get("ROULETTE"));
        assertEquals("up", status.get("SHAKER"));
        assertEquals(false, status.get("MAINTENANCE"));
    }

    @Test
    void studioDemoWorksOnTheRootPathAsTheOriginalClientConnected() throws Exception {
        try (ClientRun demo = ClientRun.start("studio", "--url", url("/"), "--delay-ms", "0", "--table", "ARO-002", "--device", "shakerPC")) {
            assertEquals(0, demo.awaitExit(), String.join("\n", demo.lines()));
            assertTrue(demo.lines().contains("> {\"id\":\"ARO-002_shakerPC\",\"token\":\"MY_TOKEN\"}"));
        }
        assertEquals(10L, table("ARO-002").get("UPTIME"));
    }

    @Test
    void studioQueryAuthSkipsTheWelcome() throws Exception {
        try (ClientRun demo = ClientRun.start("studio", "--url", url("/studio"), "--delay-ms", "0", "--query-auth", "--token", "a b&c")) {
            assertEquals(0, demo.awaitExit(), String.join("\n", demo.lines()));
            assertEquals("* connected to " + url("/studio") + "?id=ARO-001_dealerPC&token=a+b%26c", demo.lines().get(0));
            assertTrue(demo.lines().get(1).startsWith("< {\"TABLE_ID\":\"ARO-001\""), demo.lines().get(1));
        }
    }

    @Test
    void studioInteractiveTurnsCommandsIntoUpdates() throws Exception {
        try (ClientRun studio = ClientRun.start("studio", "--interactive", "--url", url("/studio"))) {
            studio.awaitLine("the status", l -> l.startsWith("< {\"TABLE_ID\""));
            studio.type("help");
            studio.awaitLine("*     maintenance on|off");
            studio.type("sdp up");
            studio.awaitLine("> {\"sdp\":\"up\"}");
            studio.awaitLine("< {\"status\":\"updated\",\"table_id\":\"ARO-001\"}");
            studio.type("roulette down maintenance on");
            studio.awaitLine("> {\"roulette\":\"down\",\"maintenance\":true}");
            studio.type("sdp sideways");
            studio.awaitLine("* sdp takes up|down|standby|calibration|exception (type 'help')");
            studio.type("fan up");
            studio.awaitLine("* unknown field 'fan' (type 'help')");
            studio.type("raw [1]");
            studio.awaitLine("< {\"error\":\"Update must be a JSON object\"}");
            studio.type("maintenance off");
            studio.awaitLine("> {\"maintenance\":false}");
            studio.type("quit");
            assertEquals(0, studio.awaitExit());
            assertEquals("* closed 1000", studio.lines().get(studio.lines().size() - 1));
        }
        Map<String, Object> status = table("ARO-001");
        assertEquals(3L, status.get("UPTIME"));
        assertEquals("up", status.get("SDP"));
        assertEquals(false, status.get("MAINTENANCE"));
    }

    @Test
    void studioWithAWrongTokenExitsWithTheServersReason(@TempDir Path dir) throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens"), "ARO-001 right\n");
        try (Server guarded = serve(tokens); ClientRun studio = ClientRun.start("studio",
                "--url", "ws://127.0.0.1:" + guarded.port() + "/studio", "--token", "wrong")) {
            assertEquals(1, studio.awaitExit());
            assertTrue(studio.lines().contains("* closed 1008 Invalid token"), studio.lines().toString());
        }
    }

    @Test
    void boothAndScannerClientsSendWhatTheSeedsClientsSent() throws Exception {
        // against /echo, which returns every message: shows exactly what the clients send
        try (ClientRun booth = ClientRun.start("booth", "booth_001", "--url", url("/echo"))) {
            booth.awaitLine("> {\"type\":\"register_booth\",\"booth_id\":\"booth_001\"}");
            booth.awaitLine("< {\"type\":\"register_booth\",\"booth_id\":\"booth_001\"}");
            booth.type("Hello from booth!");
            booth.awaitLine("< {\"type\":\"relay_message\",\"data\":{\"message\":\"Hello from booth!\"}}");
            booth.type("{\"message\":\"Hello\",\"status\":\"ready\"}");
            booth.awaitLine("> {\"type\":\"relay_message\",\"data\":{\"message\":\"Hello\",\"status\":\"ready\"}}");
            booth.type("/ping");
            booth.awaitLine("> {\"type\":\"ping\"}");
            booth.endInput();
            assertEquals(0, booth.awaitExit());
            assertEquals("* closed 1000", booth.lines().get(booth.lines().size() - 1));
        }
        try (ClientRun scanner = ClientRun.start("scanner", "booth_001", "--url", url("/echo"))) {
            scanner.awaitLine("< {\"type\":\"connect_scanner\",\"booth_id\":\"booth_001\"}");
            scanner.type("/quit");
            assertEquals(0, scanner.awaitExit());
        }
    }

    @Test
    void boothAndScannerRelayThroughTheServer() throws Exception {
        try (ClientRun booth = ClientRun.start("booth", "booth_001", "--url", url("/"))) {
            booth.awaitLine("registration_success", l -> l.startsWith("< {\"type\":\"registration_success\""));
            try (ClientRun scanner = ClientRun.start("scanner", "booth_001", "--url", url("/"))) {
                scanner.awaitLine("connection_success", l -> l.startsWith("< {\"type\":\"connection_success\""));
                booth.awaitLine("scanner_connected", l -> l.startsWith("< {\"type\":\"scanner_connected\""));
                scanner.type("start_scan");
                booth.awaitLine("message_from_scanner", l -> l.startsWith("< {\"type\":\"message_from_scanner\"")
                        && l.contains("\"data\":{\"message\":\"start_scan\"}"));
                booth.type("ready");
                scanner.awaitLine("message_from_booth", l -> l.startsWith("< {\"type\":\"message_from_booth\"")
                        && l.contains("\"data\":{\"message\":\"ready\"}"));
                scanner.endInput();
                assertEquals(0, scanner.awaitExit());
            }
            booth.awaitLine("scanner_disconnected", l -> l.startsWith("< {\"type\":\"scanner_disconnected\""));
            booth.endInput();
            assertEquals(0, booth.awaitExit());
        }
    }

    @Test
    void broadcastClientSendsTaggedMessagesAndWaitsForThemToComeBack() throws Exception {
        // /echo returns each message to its sender, as the broadcast group does
        try (ClientRun client = ClientRun.start("broadcast", "client1", "--url", url("/echo"), "--interval-ms", "0", "--linger-ms", "0")) {
            assertEquals(0, client.awaitExit(), String.join("\n", client.lines()));
            List<String> lines = client.lines();
            for (int i = 1; i <= 3; i++) {
                String text = "\"text\":\"Hello from client1 (" + i + "/3)\",\"sender\":\"client1\"";
                assertEquals(1, lines.stream().filter(l -> l.startsWith("> ") && l.contains(text)).count(), lines.toString());
                assertEquals(1, lines.stream().filter(l -> l.startsWith("< ") && l.contains(text)).count(), lines.toString());
            }
            assertTrue(lines.contains("* done"));
        }
    }

    @Test
    void broadcastClientsSeeEachOther() throws Exception {
        try (ClientRun watcher = ClientRun.start("broadcast", "--interactive", "--url", url("/ws/relay/"))) {
            watcher.awaitLine("* connected to " + url("/ws/relay/"));
            try (ClientRun sender = ClientRun.start("broadcast", "client2", "--url", url("/ws/relay/"), "--interval-ms", "0",
                    "--linger-ms", "0")) {
                assertEquals(0, sender.awaitExit(), String.join("\n", sender.lines()));
            }
            watcher.awaitLine("client2's last message", l -> l.startsWith("< ") && l.contains("Hello from client2 (3/3)"));
            watcher.type("hi all");
            watcher.awaitLine("own echo", l -> l.startsWith("< ") && l.contains("\"text\":\"hi all\""));
            watcher.endInput();
            assertEquals(0, watcher.awaitExit());
        }
    }

    @Test
    void broadcastInteractiveAsTheOriginalSpelledIt() throws Exception {
        try (ClientRun client = ClientRun.start("broadcast", "interactive", "--url", url("/echo"))) {
            client.type("hello there");
            client.awaitLine("echo", l -> l.startsWith("< {\"type\":\"message\",\"text\":\"hello there\""));
            client.type("quit");
            assertEquals(0, client.awaitExit());
        }
    }

    @Test
    void unreachableServerIsAClearError() throws Exception {
        try (ClientRun client = ClientRun.start("studio", "--url", url("/nowhere"))) {
            assertEquals(1, client.awaitExit());
            assertTrue(client.stderr().contains("upgrade refused: HTTP/1.1 404"), client.stderr());
        }
    }

    /** Ctrl-C (SIGINT) on a real client process: it closes its connection with 1001 and exits. */
    @Test
    void ctrlCClosesTheConnectionAndExits() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process client = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                "relay.loadgen.client.ClientMain", "booth", "booth_9", "--url", url("/booth"))
                .redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> new BufferedReader(new InputStreamReader(client.getInputStream(),
                StandardCharsets.UTF_8)).lines().forEach(lines::add));
        try {
            String line;
            do {
                line = lines.poll(ClientRun.TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } while (line != null && !line.startsWith("< {\"type\":\"registration_success\""));
            assertTrue(line != null, "the booth client did not register: " + lines);
            assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(client.pid())).start().waitFor());
            assertTrue(client.waitFor(ClientRun.TIMEOUT_MS, TimeUnit.MILLISECONDS), "client still running");
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ClientRun.TIMEOUT_MS);
            while (server.metrics().closesByCode().getOrDefault(1001, 0L) != 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(1L, server.metrics().closesByCode().getOrDefault(1001, 0L), "closes seen: " + server.metrics().closesByCode());
        } finally {
            client.destroyForcibly();
        }
    }
}
