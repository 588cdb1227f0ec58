package relay.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import relay.json.Json;
import relay.ws.Handshake;

/**
 * Every scenario counts a paced message its connection would not queue as a {@code send buffer full} error.
 * The server here completes the opening handshake and then never reads again, so the client's socket and
 * outbound buffer fill within a fraction of a second of large messages at a high rate.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SendBufferFullIT {
    private ServerSocket server;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket();
        server.setReceiveBufferSize(4096); // inherited by accepted sockets: little room on the server's side
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofVirtual().name("not-reading-server").start(this::acceptLoop);
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        for (Socket s : accepted) {
            s.close();
        }
    }

    /** Answers each upgrade with 101 and then reads nothing more (the connection stays open). */
    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                accepted.add(s);
                Thread.ofVirtual().start(() -> upgradeAndStopReading(s));
            } catch (IOException e) {
                return; // closed by stop()
            }
        }
    }

    private static void upgradeAndStopReading(Socket s) {
        try {
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.append((char) b);
            }
            String key = head.toString().lines()
                    .filter(l -> l.regionMatches(true, 0, "Sec-WebSocket-Key:", 0, 18))
                    .map(l -> l.substring(18).trim()).findFirst().orElseThrow();
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + Handshake.acceptValue(key) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        } catch (IOException e) {
            // the test is over
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"echo -c 1 -r 2000", "broadcast -n 1 -S 1 -r 2000", "carparty -R 1 -K 1 -M 1 --input-rate 2000"})
    void aFullSendBufferIsCountedAsAnError(String scenario, @TempDir Path dir) throws Exception {
        List<String> args = new ArrayList<>(List.of(scenario.split(" ")));
        args.addAll(List.of("-s", "16000", "--warmup", "0s", "-d", "1500ms", "--drain", "0s", "--connect-timeout", "1s",
                "--url", "ws://127.0.0.1:" + server.getLocalPort(), "--out", dir.toString(), "--quiet"));
        var result = LoadgenTestSupport.run(args.toArray(new String[0]));
        assertEquals(1, result.exitCode(), result.stdout());
        @SuppressWarnings("unchecked")
        Map<String, Object> summary = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("summary.json")));
        @SuppressWarnings("unchecked")
        Map<String, Object> errors = (Map<String, Object>) summary.get("errors");
        Object full = errors.get("send buffer full");
        assertTrue(full instanceof Long n && n > 0, "send buffer full counted: " + errors);
        assertTrue(result.stdout().contains("  send buffer full: "), result.stdout());
    }
}
