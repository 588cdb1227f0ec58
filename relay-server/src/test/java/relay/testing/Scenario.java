package relay.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import relay.json.Json;
import relay.proto.signaling.SignalingEndpoint;

/**
 * Replays a protocol scenario file against an in-process server through {@link TestClient}s, so that a reader
 * of protocols.md can check the tests line by line. One command per line; {@code #} starts a comment (the
 * first comment is the scenario's title); clients are named by the script.
 *
 * <pre>
 * tokens ARO-001 secret            before the first open: serve with a studio token file holding this entry
 * idle-ms N                        before the first open: the studio idle window on path / (default 150)
 * open NAME PATH                   connect client NAME to PATH (starting the server on first use)
 * NAME sends TEXT                  send TEXT (the rest of the line) as a text frame
 * NAME sends-binary TEXT           send TEXT's UTF-8 bytes as a binary frame
 * NAME gets JSON                   the next message equals JSON by value ("&lt;timestamp&gt;" and "&lt;any&gt;" match values)
 * NAME gets-ordered JSON           ... and has its keys in this order
 * NAME gets-text TEXT              the next message is text, exactly TEXT (verbatim relaying)
 * NAME gets-binary TEXT            the next message is binary, exactly TEXT's UTF-8 bytes
 * NAME gets-nothing                nothing arrives within 300 ms
 * NAME closed CODE [REASON]        the server closes NAME with CODE (and exactly REASON)
 * NAME closes / NAME drops         NAME closes normally / drops its TCP connection
 * refused PATH                     an upgrade to PATH is refused (no WebSocket there)
 * http PATH STATUS JSON            GET PATH answers STATUS with JSON (by value)
 * signaling-rooms N / -peers N     the signaling registries hold N rooms / N peers (polled)
 * </pre>
 * In any line, {@code {{c*N}}} stands for the character c repeated N times (large messages).
 */
public final class Scenario {
    private static final Pattern REPEAT = Pattern.compile("\\{\\{(.)\\*(\\d+)}}");
    private static final Pattern PYTHON_ISOFORMAT = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}");

    private final Path file;
    private final List<String> tokenLines = new ArrayList<>();
    private final Map<String, TestClient> clients = new LinkedHashMap<>();
    private TestServer server;
    private Path tokenFile;
    private Consumer<TestServer> afterAll;
    private long idleWindowMs = relay.config.RelayConfig.DEFAULT_STUDIO_IDLE_WINDOW_MS;

    private Scenario(Path file) {
        this.file = file;
    }

    /** The scenario files under a test resource directory, e.g. {@code scenarios/studio}, sorted by name. */
    public static Stream<Path> files(String resourceDir) throws IOException {
        Path dir;
        try {
            dir = Path.of(Scenario.class.getClassLoader().getResource(resourceDir).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        try (Stream<Path> listing = Files.list(dir)) {
            return listing.filter(p -> p.toString().endsWith(".scenario")).sorted().toList().stream();
        }
    }

    public static void run(Path file) throws Exception {
        new Scenario(file).run();
    }

    /**
     * Runs the scenario, then, once it has passed and its clients have gone, checks the server with
     * {@code afterAll} (e.g. that every registry is empty again).
     */
    public static void run(Path file, Consumer<TestServer> afterAll) throws Exception {
        Scenario scenario = new Scenario(file);
        scenario.afterAll = afterAll;
        scenario.run();
    }

    /** How long {@link #settle} waits at most. */
    private static final long SETTLE_NS = 1_000_000_000L;
    private long framesSent;

    private void run() throws Exception {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        try {
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                try {
                    step(expand(line));
                } catch (AssertionError | Exception e) {
                    throw new AssertionError(file.getFileName() + ":" + (i + 1) + ": " + line + "\n  " + e.getMessage(), e);
                }
            }
            if (afterAll != null && server != null) {
                for (TestClient client : clients.values()) {
                    client.abort();
                }
                afterAll.accept(server);
            }
        } finally {
            for (TestClient client : clients.values()) {
                client.abort();
            }
            if (server != null) {
                server.close();
            }
            if (tokenFile != null) {
                Files.deleteIfExists(tokenFile);
            }
        }
    }

    private void step(String line) throws Exception {
        String[] words = line.split("\\s+", 3);
        switch (words[0]) {
            case "tokens" -> tokenLines.add(words[1] + " " + words[2]);
            case "idle-ms" -> idleWindowMs = Long.parseLong(words[1]);
            case "open" -> clients.put(words[1], TestClient.connect(server().uri(words[2])));
            case "http" -> http(words[1], words[2]);
            case "refused" -> refused(words[1]);
            case "signaling-rooms" -> awaitCount("signaling rooms", Integer.parseInt(words[1]), () -> signaling().roomCount());
            case "signaling-peers" -> awaitCount("signaling peers", Integer.parseInt(words[1]), () -> signaling().peerCount());
            default -> clientStep(client(words[0]), words[1], words.length > 2 ? words[2] : "");
        }
    }

    private void clientStep(TestClient client, String verb, String rest) throws Exception {
        switch (verb) {
            case "sends" -> {
                client.send(rest);
                settle();
            }
            case "sends-binary" -> {
                client.sendBinary(rest.getBytes(StandardCharsets.UTF_8));
                settle();
            }
            case "gets" -> assertMatches(Json.parse(rest), Json.parse(client.nextText()), false, "$");
            case "gets-ordered" -> assertMatches(Json.parse(rest), Json.parse(client.nextText()), true, "$");
            case "gets-text" -> assertEquals(rest, client.nextText(), "verbatim text");
            case "gets-binary" -> assertArrayEquals(rest.getBytes(StandardCharsets.UTF_8), client.nextBinary(), "verbatim binary");
            case "gets-nothing" -> client.expectNothing(300);
            case "closed" -> {
                TestClient.Closed closed = client.awaitClose();
                String[] codeAndReason = rest.split("\\s+", 2);
                assertEquals(Integer.parseInt(codeAndReason[0]), closed.code(), "close code (reason: " + closed.reason() + ")");
                if (codeAndReason.length > 1) {
                    assertEquals(codeAndReason[1], closed.reason(), "close reason");
                }
            }
            case "closes" -> client.close();
            case "drops" -> client.abort();
            default -> fail("unknown step '" + verb + "'");
        }
    }

    /**
     * Waits (briefly, best effort) until the server has finished routing every frame the scenario sent, so
     * that the next line, often on another connection, sees its effect: a game server's login_server has no
     * reply to wait for, yet a player's login_client must come after it. Frames the server legitimately drops
     * (after a close) simply let the wait run out.
     */
    private void settle() throws Exception {
        framesSent++;
        long deadline = System.nanoTime() + SETTLE_NS;
        while (server().server().metrics().routingLatency.count() < framesSent && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }

    private void http(String path, String statusAndBody) throws Exception {
        String[] parts = statusAndBody.split("\\s+", 2);
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(server().http(path)).timeout(TestClient.TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(Integer.parseInt(parts[0]), response.statusCode(), "HTTP status of " + path);
        assertMatches(Json.parse(parts[1]), Json.parse(response.body()), true, "$");
    }

    private void refused(String path) throws Exception {
        TestClient client;
        try {
            client = TestClient.connect(server().uri(path));
        } catch (Exception e) {
            return; // refused, as expected
        }
        client.abort();
        fail("the upgrade to " + path + " was accepted");
    }

    /** Expands {@code {{c*N}}} to c repeated N times. */
    static String expand(String line) {
        Matcher m = REPEAT.matcher(line);
        if (!m.find()) {
            return line;
        }
        StringBuilder out = new StringBuilder();
        do {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1).repeat(Integer.parseInt(m.group(2)))));
        } while (m.find());
        m.appendTail(out);
        return out.toString();
    }

    private TestServer server() throws IOException {
        if (server == null) {
            if (!tokenLines.isEmpty()) {
                tokenFile = Files.createTempFile("studio-tokens", ".txt");
                Files.write(tokenFile, tokenLines);
            }
            Path tokens = tokenFile;
            server = TestServer.start(c -> c.withStudio(tokens, idleWindowMs));
        }
        return server;
    }

    private SignalingEndpoint signaling() {
        try {
            return (SignalingEndpoint) server().server().protocol("signaling");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TestClient client(String name) {
        TestClient client = clients.get(name);
        if (client == null) {
            fail("no client named '" + name + "' (open it first)");
        }
        return client;
    }

    private static void awaitCount(String what, int expected, java.util.function.IntSupplier actual) throws InterruptedException {
        TestClient.await(what + " == " + expected + " (is " + actual.getAsInt() + ")", () -> actual.getAsInt() == expected);
    }

    /** JSON equality by value; placeholders "<any>" and "<timestamp>"; with {@code ordered}, object key order too. */
    static void assertMatches(Object expected, Object actual, boolean ordered, String where) {
        if ("<any>".equals(expected)) {
            return;
        }
        if ("<timestamp>".equals(expected)) {
            assertTrue(actual instanceof String s && PYTHON_ISOFORMAT.matcher(s).matches(),
                    where + ": expected a Python isoformat timestamp, got " + actual);
            return;
        }
        if (expected instanceof Map<?, ?> e && actual instanceof Map<?, ?> a) {
            assertEquals(e.keySet().stream().sorted().toList(), a.keySet().stream().sorted().toList(), where + ": keys");
            if (ordered) {
                assertEquals(List.copyOf(e.keySet()), List.copyOf(a.keySet()), where + ": key order");
            }
            for (Map.Entry<?, ?> entry : e.entrySet()) {
                assertMatches(entry.getValue(), a.get(entry.getKey()), ordered, where + "." + entry.getKey());
            }
            return;
        }
        if (expected instanceof List<?> e && actual instanceof List<?> a) {
            assertEquals(e.size(), a.size(), where + ": length of " + Json.writeString(a));
            Iterator<?> ai = a.iterator();
            int i = 0;
            for (Object item : e) {
                assertMatches(item, ai.next(), ordered, where + "[" + i++ + "]");
            }
            return;
        }
        assertEquals(expected, actual, where);
    }
}
