package relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import relay.testing.RawClient;
import relay.testing.Scrape;
import relay.testing.TestClient;
import relay.testing.TestServer;

/** Operations surface: /healthz, /metrics, and a real process's life under SIGTERM. */
@Timeout(60)
class OperationsIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthzReportsOkAndOpenConnections() throws Exception {
        try (TestServer server = TestServer.start(); TestClient client = TestClient.connect(server.uri("/echo"))) {
            HttpResponse<String> response = get(server.http("/healthz"));
            assertEquals(200, response.statusCode());
            assertTrue(response.body().contains("\"status\":\"ok\""), response.body());
            assertTrue(response.body().contains("\"connections\":1"), response.body());
        }
    }

    @Test
    void metricsCountTrafficByProtocolClosesAndLatencyInPrometheusFormat() throws Exception {
        try (TestServer server = TestServer.start()) {
            try (TestClient client = TestClient.connect(server.uri("/echo"))) {
                client.send("one").nextText();
                client.send("two").nextText();
            }
            TestClient.await("the close to be counted", () -> server.server().metrics().closesByCode().containsKey(1000));
            HttpResponse<String> response = get(server.http("/metrics"));
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
            String body = response.body();
            assertTrue(body.contains("relay_protocol_messages_in_total{protocol=\"echo\"} 2"), body);
            assertTrue(body.contains("relay_protocol_messages_out_total{protocol=\"echo\"} 2"), body);
            assertTrue(body.contains("relay_closes_total{code=\"1000\"} 1"), body);
            assertTrue(body.contains("relay_routing_latency_seconds_count 2"), body);
            assertTrue(body.contains("relay_connections{protocol=\"echo\"} 0"), body);
            for (String line : body.split("\n")) {
                assertTrue(line.startsWith("#") || line.matches("[a-z_]+(\\{[a-z]+=\"[^\"]*\"(,[a-z]+=\"[^\"]*\")*\\})? -?[0-9.eE+-]+"),
                        "not Prometheus text: " + line);
            }
        }
    }

    /**
     * relay as the launcher starts it, in its own process, with its log lines collected; {@code prefix} goes
     * in front of the java command (e.g. prlimit).
     */
    private record ServerProcess(Process process, int port, List<String> lines) implements AutoCloseable {
        static ServerProcess start(List<String> prefix, String... flags) throws Exception {
            List<String> command = new java.util.ArrayList<>(prefix);
            command.add(ProcessHandle.current().info().command().orElse("java"));
            if (Runtime.version().feature() >= 23) {
                command.add("--sun-misc-unsafe-memory-access=allow"); // JDK 21/22 do not know the option
            }
            command.addAll(List.of("-Djava.util.logging.manager=relay.log.ShutdownSafeLogManager",
                    "-cp", System.getProperty("java.class.path"), "relay.cli.Main", "--host", "127.0.0.1", "--port", "0"));
            command.addAll(List.of(flags));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<Integer> port = new CompletableFuture<>();
            List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread.ofVirtual().start(() -> {
                Pattern listening = Pattern.compile("\\[INFO\\] relay\\.Server: Listening on ws://127\\.0\\.0\\.1:(\\d+)");
                try {
                    for (String line; (line = out.readLine()) != null; ) {
                        lines.add(line);
                        Matcher m = listening.matcher(line);
                        if (m.find()) {
                            port.complete(Integer.parseInt(m.group(1)));
                        }
                    }
                } catch (java.io.IOException e) {
                    port.completeExceptionally(e);
                }
            });
            try {
                return new ServerProcess(process, port.get(20, TimeUnit.SECONDS), lines);
            } catch (Exception e) {
                process.destroyForcibly();
                throw e;
            }
        }

        URI uri(String path) {
            return URI.create("ws://127.0.0.1:" + port + path);
        }

        /** The value of one series on the process's /metrics page (0 when absent). */
        long metric(String series) {
            return Scrape.of(URI.create("http://127.0.0.1:" + port + "/metrics")).value(series);
        }

        boolean logged(String text) {
            return lines.stream().anyMatch(l -> l.contains(text));
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    @Test
    void sigtermClosesEveryConnectionWith1001AndExits() throws Exception {
        try (ServerProcess relay = ServerProcess.start(List.of(), "--shutdown-timeout-ms", "3000")) {
            TestClient a = TestClient.connect(relay.uri("/echo"));
            TestClient b = TestClient.connect(relay.uri("/echo"));
            a.send("before").nextText();
            relay.process().toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of its output)
            assertEquals(1001, a.awaitClose().code());
            assertEquals(1001, b.awaitClose().code());
            assertTrue(relay.process().waitFor(10, TimeUnit.SECONDS), "process did not exit after SIGTERM");
            TestClient.await("the shutdown log line", () -> relay.logged("relay.Server: Stopped"));
            assertTrue(relay.lines().stream().anyMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\[INFO\\] relay\\.Server: Shutting down.*")),
                    String.join("\n", relay.lines()));
        }
    }

    /**
     * operations.md, "What a shutdown promises": the 1001 Close goes out after whatever was already queued. A
     * raw client floods /echo without reading, behind a small receive window, until the kernel's send buffer
     * (at most tcp_wmem's maximum) is full and thousands of echoes wait in relay's outbound queue (its bounds
     * raised to hold them all); after SIGTERM it reads every echo, in order, and only then the 1001.
     */
    @Test
    void sigtermFlushesWhatWasQueuedAheadOfThe1001() throws Exception {
        String padding = "x".repeat(1000);
        int queuedAtLeast = 4000; // echoes beyond what the kernel can hold: far more than one writer batch (32 KiB)
        int messages = (int) (kernelSendBufferMaxBytes() / padding.length()) + queuedAtLeast;
        try (ServerProcess relay = ServerProcess.start(List.of(), "--shutdown-timeout-ms", "10000",
                "--outbound-max-messages", String.valueOf(messages), "--outbound-max-bytes", String.valueOf(messages * 1100L),
                "--max-messages-per-second", "0", "--max-bytes-per-second", "0");
             RawClient flooded = RawClient.upgraded(relay.port(), "/echo", 4096);
             TestClient idle = TestClient.connect(relay.uri("/echo"))) {
            java.io.ByteArrayOutputStream flood = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < messages; i++) {
                flood.write(RawClient.frame(0x81, (i + " " + padding).getBytes(StandardCharsets.UTF_8)));
            }
            flooded.write(flood.toByteArray());
            TestClient.await("every echo queued", () -> relay.metric("relay_protocol_messages_out_total{protocol=\"echo\"}") == messages);
            long written = relay.metric("relay_frames_out_total"); // cannot grow while the client does not read
            assertTrue(written <= messages - queuedAtLeast, written + " of " + messages + " echoes written, too few queued");

            relay.process().toHandle().destroy(); // SIGTERM
            // the idle connection's 1001 shows that shutdown has reached the connections
            assertEquals(1001, idle.awaitClose().code());
            for (int i = 0; i < messages; i++) {
                RawClient.Frame frame = flooded.readFrame();
                assertEquals(1, frame.opcode(), "opcode " + frame.opcode() + " (8: Close) where echo " + i + " was due");
                assertEquals(i + " " + padding, frame.text(), "echo " + i + " in order");
            }
            RawClient.Frame close = flooded.readFrame();
            assertEquals(8, close.opcode(), "the Close right after the last echo");
            assertEquals(1001, close.closeCode());
            flooded.write(RawClient.closeFrame(1001, ""));
            assertTrue(flooded.serverClosesConnection(), "relay ends the connection after both Closes");
            assertTrue(relay.process().waitFor(10, TimeUnit.SECONDS), "process did not exit after SIGTERM");
        }
    }

    /** The most a TCP send buffer grows to (Linux tcp_wmem's third value; 4 MiB, its default, elsewhere). */
    private static long kernelSendBufferMaxBytes() {
        try {
            String[] wmem = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/tcp_wmem")).trim().split("\\s+");
            return Long.parseLong(wmem[2]);
        } catch (java.io.IOException | RuntimeException e) {
            return 4L << 20;
        }
    }

    @Test
    void outOfFileDescriptorsAcceptBacksOffLogsOnceAndRecovers() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(new java.io.File("/usr/bin/prlimit").canExecute(), "needs prlimit");
        List<java.net.Socket> sockets = new java.util.ArrayList<>();
        // A descriptor limit just above what the JVM itself needs: a few dozen connections exhaust it.
        try (ServerProcess relay = ServerProcess.start(List.of("/usr/bin/prlimit", "--nofile=96:96"),
                "--handshake-timeout-ms", "60000")) {
            for (int i = 0; i < 120; i++) {
                sockets.add(new java.net.Socket("127.0.0.1", relay.port())); // completes in the kernel backlog even when accept cannot
            }
            TestClient.await("accept to run out of descriptors", () -> relay.logged("accept failed"));
            for (int i = 0; i < 100; i++) {
                sockets.get(i).close(); // the server releases these and gets its descriptors back
            }
            try (TestClient client = TestClient.connect(relay.uri("/echo"))) {
                client.send("served again");
                assertEquals("served again", client.nextText());
            }
            long warnings = relay.lines().stream().filter(l -> l.contains("accept failed")).count();
            assertEquals(1, warnings, "logged once per interval: " + relay.lines());
            assertTrue(relay.process().isAlive());
        } finally {
            for (java.net.Socket socket : sockets) {
                socket.close();
            }
        }
    }
}
