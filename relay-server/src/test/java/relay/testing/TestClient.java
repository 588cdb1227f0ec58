package relay.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import relay.json.Json;

/**
 * A WebSocket client for tests, on the JDK's independent implementation ({@code java.net.http.WebSocket}).
 * Everything received is queued: text as {@code String}, binary as {@code byte[]}; the close as
 * {@link Closed}. Every wait has a timeout.
 */
public final class TestClient implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** The close frame the server sent (or 1006 if the connection dropped without one). */
    public record Closed(int code, String reason) {}

    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final BlockingQueue<byte[]> pongs = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private TestClient(URI uri) throws Exception {
        this.socket = HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT).buildAsync(uri, new Listener())
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static TestClient connect(URI uri) throws Exception {
        return new TestClient(uri);
    }

    public WebSocket socket() {
        return socket;
    }

    public TestClient send(String text) throws Exception {
        socket.sendText(text, true).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Sends a JSON object given as alternating keys and values. */
    public TestClient sendJson(Object... keysAndValues) throws Exception {
        java.util.LinkedHashMap<String, Object> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return send(Json.writeString(map));
    }

    public TestClient sendBinary(byte[] bytes) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Sends one fragment of a text message; {@code last} false leaves the message open (RFC 6455 5.4). */
    public TestClient sendFragment(String text, boolean last) throws Exception {
        socket.sendText(text, last).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Sends one fragment of a binary message. */
    public TestClient sendFragment(byte[] bytes, boolean last) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(bytes), last).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    public TestClient sendPing(byte[] payload) throws Exception {
        socket.sendPing(ByteBuffer.wrap(payload)).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** The payload of the next Pong received, failing the test after the timeout. */
    public byte[] nextPong() throws InterruptedException {
        byte[] pong = pongs.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(pong, "no pong within " + TIMEOUT);
        return pong;
    }

    /** Starts the closing handshake with this code and reason; {@link #awaitClose} then gives the server's answer. */
    public TestClient sendClose(int code, String reason) throws Exception {
        socket.sendClose(code, reason).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** The next message (String or byte[]), failing the test after the timeout. */
    public Object next() throws InterruptedException {
        Object message = received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(message, "no message within " + TIMEOUT);
        return message;
    }

    public String nextText() throws InterruptedException {
        Object message = next();
        if (!(message instanceof String text)) {
            throw new AssertionError("expected text, got " + message);
        }
        return text;
    }

    /** The next text message parsed as a JSON object. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> nextJson() throws InterruptedException {
        Object value = Json.parse(nextText());
        if (!(value instanceof Map<?, ?> map)) {
            throw new AssertionError("expected a JSON object, got " + value);
        }
        return (Map<String, Object>) map;
    }

    public byte[] nextBinary() throws InterruptedException {
        Object message = next();
        if (!(message instanceof byte[] bytes)) {
            throw new AssertionError("expected binary, got " + message);
        }
        return bytes;
    }

    /** Asserts that nothing arrives within {@code millis}. */
    public void expectNothing(long millis) throws InterruptedException {
        assertNull(received.poll(millis, TimeUnit.MILLISECONDS), "unexpected message");
    }

    public Closed awaitClose() throws Exception {
        return closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void expectClose(int code) throws Exception {
        assertEquals(code, awaitClose().code());
    }

    public List<Object> drain() {
        List<Object> all = new java.util.ArrayList<>();
        received.drainTo(all);
        return all;
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Sends a normal close and waits for the server's. */
    @Override
    public void close() throws Exception {
        if (!closed.isDone() && !socket.isOutputClosed()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                socket.abort();
            }
        }
        try {
            closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            socket.abort();
        }
    }

    /** Drops the TCP connection without a closing handshake. */
    public void abort() {
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                received.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                received.add(binary.toByteArray());
                binary = new java.io.ByteArrayOutputStream();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
            byte[] payload = new byte[message.remaining()];
            message.get(payload);
            pongs.add(payload);
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(new Closed(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(new Closed(1006, String.valueOf(error)));
        }
    }

    /** Fails unless the condition becomes true within the timeout (polling, no bare sleeps). */
    public static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
