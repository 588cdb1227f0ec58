package relay.loadgen.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import relay.ws.CloseCode;

/**
 * One command-line client's connection and console: prints {@code > } before each message it sends,
 * {@code < } before each it receives and {@code * } before events (connected, closed), and keeps what it
 * received for commands that wait for an answer. Interactive commands feed it standard input line by line
 * until end of input, {@code quit}, or the server closing. Thread-safe: the reader thread prints and queues,
 * the command's thread sends.
 */
final class ClientSession implements WsClient.Listener, AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** Sessions still open, closed by the Ctrl-C hook. */
    private static final Set<ClientSession> OPEN = ConcurrentHashMap.newKeySet();

    /** What a line of input does: sends a message, prints something, or ends the session. */
    interface LineHandler {
        /** Returns false to end the session. */
        boolean handle(String line) throws IOException;
    }

    private final PrintStream out;
    private final URI url;
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private volatile WsClient client;
    private volatile int closeCode = -1;
    private String firstText;

    private ClientSession(URI url, PrintStream out) {
        this.url = url;
        this.out = out;
    }

    /** Connects and prints {@code * connected to URL}; throws with a printable message if it cannot. */
    static ClientSession open(URI url, PrintStream out) throws IOException {
        return open(url, out, null);
    }

    /** As {@link #open(URI, PrintStream)}, sending {@code firstText} at once after the handshake (and printing it). */
    static ClientSession open(URI url, PrintStream out, String firstText) throws IOException {
        ClientSession session = new ClientSession(url, out);
        session.firstText = firstText;
        session.client = WsClient.connect(url, session, TIMEOUT, firstText);
        OPEN.add(session);
        return session;
    }

    void send(String text) throws IOException {
        out.println("> " + text);
        client.sendText(text);
    }

    /** The next message received within the timeout, or null (if the connection closed or nothing came). */
    String next(Duration timeout) throws InterruptedException {
        return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits for a received message that {@code matches}, skipping others; null if none comes in time. */
    String await(Predicate<String> matches, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || isClosed() && received.isEmpty()) {
                return null;
            }
            String message = received.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
            if (message != null && matches.test(message)) {
                return message;
            }
        }
    }

    boolean isClosed() {
        return client.isClosed();
    }

    /**
     * Reads {@code in} line by line (on a virtual thread) into {@code handler} until end of input, the handler
     * ends the session, or the server closes the connection; then closes. Returns the command's exit code.
     */
    int interact(InputStream in, LineHandler handler) throws InterruptedException {
        Thread reader = Thread.ofVirtual().name("client-stdin").start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while (!isClosed() && (line = lines.readLine()) != null) {
                    if (!line.isBlank() && !handler.handle(line.strip())) {
                        break;
                    }
                }
            } catch (IOException e) {
                if (!isClosed()) {
                    out.println("* error: " + e.getMessage());
                }
            }
        });
        while (reader.isAlive() && !isClosed()) {
            reader.join(50);
        }
        return finish();
    }

    /** Closes (if the server has not) and returns the exit code: 0 unless the server ended it abnormally. */
    int finish() {
        close();
        int code = closeCode;
        return code == -1 || code == CloseCode.NORMAL || code == CloseCode.GOING_AWAY ? 0 : 1;
    }

    @Override
    public void close() {
        if (!client.isClosed()) {
            client.close(CloseCode.NORMAL, "", Duration.ofSeconds(2));
        }
        OPEN.remove(this);
    }

    /** For the Ctrl-C hook: closes every open session with 1001. */
    static void closeAll() {
        for (ClientSession session : OPEN) {
            session.client.close(CloseCode.GOING_AWAY, "client exiting", Duration.ofMillis(500));
        }
    }

    // ---- WsClient.Listener ----

    @Override
    public void onOpen() {
        out.println("* connected to " + url);
        if (firstText != null) {
            out.println("> " + firstText);
        }
    }

    @Override
    public void onText(String text) {
        out.println("< " + text);
        received.add(text);
    }

    @Override
    public void onBinary(byte[] bytes) {
        out.println("< (binary, " + bytes.length + " bytes)");
    }

    @Override
    public void onClose(int code, String reason) {
        closeCode = code;
        out.println("* closed " + code + (reason.isEmpty() ? "" : " " + reason));
    }
}
