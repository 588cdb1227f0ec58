package relay.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import relay.json.Json;

/**
 * A real headless Chromium driven over the Chrome DevTools Protocol, with nothing but the JDK: the browser is
 * started with {@code --remote-debugging-port=0}, its DevTools WebSocket URL read from its stderr, and CDP
 * commands sent as JSON over {@code java.net.http.WebSocket} (flat sessions, one per tab). Enough to open
 * pages, evaluate JavaScript in them and read results back; closed by try-with-resources.
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final Path BINARY = Path.of(System.getenv().getOrDefault("RELAY_CHROMIUM", "/usr/bin/chromium"));
    private static final Pattern DEVTOOLS_URL = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final long TIMEOUT_MS = 20_000;

    private final Process process;
    private final Path profile;
    private final WebSocket devtools;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();

    /** One browser tab. */
    public final class Tab {
        private final String sessionId;

        private Tab(String sessionId) {
            this.sessionId = sessionId;
        }

        /** Evaluates a JavaScript expression in the page and returns its value (JSON-compatible). */
        public Object eval(String expression) throws Exception {
            Map<String, Object> result = command(sessionId, "Runtime.evaluate",
                    Map.of("expression", expression, "returnByValue", true));
            if (result.containsKey("exceptionDetails")) {
                throw new IllegalStateException("JavaScript failed: " + result.get("exceptionDetails"));
            }
            return ((Map<?, ?>) result.get("result")).get("value");
        }

        /**
         * Polls {@code expression} until its value satisfies {@code condition} (a JavaScript error counts as not
         * yet, e.g. while the page loads); returns the value.
         */
        public Object await(String what, String expression, Predicate<Object> condition) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
            Object value = null;
            while (System.nanoTime() < deadline) {
                try {
                    value = eval(expression);
                } catch (IllegalStateException e) {
                    value = e.getMessage(); // e.g. the page has not loaded yet
                }
                if (condition.test(value)) {
                    return value;
                }
                Thread.sleep(50);
            }
            throw new AssertionError("timed out waiting for " + what + "; last value: " + value);
        }
    }

    public static boolean isInstalled() {
        return Files.isExecutable(BINARY);
    }

    public HeadlessChromium() throws Exception {
        profile = Files.createTempDirectory("relay-chromium");
        process = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--no-first-run", "--no-default-browser-check",
                "--mute-audio", "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            devtools = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create(devtoolsUrl()), new Listener())
                    .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** Opens {@code url} in a new tab. */
    public Tab open(String url) throws Exception {
        String targetId = (String) command(null, "Target.createTarget", Map.of("url", url)).get("targetId");
        String sessionId = (String) command(null, "Target.attachToTarget", Map.of("targetId", targetId, "flatten", true))
                .get("sessionId");
        return new Tab(sessionId);
    }

    private String devtoolsUrl() throws Exception {
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                StringBuilder seen = new StringBuilder();
                while ((line = err.readLine()) != null) {
                    Matcher m = DEVTOOLS_URL.matcher(line);
                    if (m.find()) {
                        url.complete(m.group(1));
                    } else if (!url.isDone() && seen.length() < 4000) {
                        seen.append(line).append('\n');
                    }
                }
                url.completeExceptionally(new IOException("chromium exited without a DevTools URL:\n" + seen));
            } catch (IOException e) {
                url.completeExceptionally(e);
            }
        });
        return url.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> command(String sessionId, String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", id);
        message.put("method", method);
        message.put("params", params);
        if (sessionId != null) {
            message.put("sessionId", sessionId);
        }
        CompletableFuture<Map<String, Object>> reply = new CompletableFuture<>();
        pending.put(id, reply);
        devtools.sendText(Json.writeString(message), true).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        Map<String, Object> answer = reply.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        if (answer.containsKey("error")) {
            throw new IllegalStateException(method + " failed: " + answer.get("error"));
        }
        return (Map<String, Object>) answer.get("result");
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        @SuppressWarnings("unchecked")
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                Map<String, Object> message = (Map<String, Object>) Json.parse(text.toString());
                text.setLength(0);
                if (message.get("id") instanceof Number id) {
                    CompletableFuture<Map<String, Object>> reply = pending.remove(id.intValue());
                    if (reply != null) {
                        reply.complete(message);
                    }
                }
            }
            ws.request(1);
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        if (devtools != null) {
            devtools.abort();
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        try (Stream<Path> files = Files.walk(profile)) {
            List<Path> all = files.sorted(Comparator.reverseOrder()).toList();
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover temp profile is harmless
        }
    }
}
