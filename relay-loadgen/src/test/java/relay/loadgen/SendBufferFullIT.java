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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import relay.json.Json;
import relay.loadgen.scenario.Run;
import relay.ws.FrameWriter;

/**
 * Every scenario counts a paced message its connection would not queue as a {@code send buffer full} error.
 * The server here completes the opening handshake, answers the one set-up message a scenario waits for
 * (booth: {@code registration_success} / {@code connection_success}; signaling: {@code registered} naming
 * the pair's other peer, so that the caller starts offering) and then never reads again, so the client's
 * socket and outbound buffer fill within a fraction of a second of large messages at a high rate.
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

    /**
     * Answers each upgrade with 101, reads the client's first message and answers it if it is a booth or
     * signaling set-up message, then reads nothing more (the connection stays open).
     */
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
            OutputStream out = s.getOutputStream();
            RawServerEnd.acceptUpgrade(in, out);
            RawServerEnd.MaskedFrame setUp = RawServerEnd.MaskedFrame.read(in);
            String answer = setUp == null ? null : answerTo(setUp.text());
            if (answer != null) {
                out.write(FrameWriter.encodeText(answer));
                out.flush();
            }
        } catch (IOException e) {
            // the test is over
        }
    }

    /** The server's answer to a booth or signaling set-up message (protocols.md), else null. */
    @SuppressWarnings("unchecked")
    private static String answerTo(String text) {
        if (!text.startsWith("{")) {
            return null;
        }
        Map<String, Object> message = (Map<String, Object>) Json.parse(text);
        Object type = message.get("type");
        if ("register_booth".equals(type)) {
            return "{\"type\":\"registration_success\",\"booth_id\":\"" + message.get("booth_id") + "\",\"timestamp\":0}";
        }
        if ("connect_scanner".equals(type)) {
            return "{\"type\":\"connection_success\",\"booth_id\":\"" + message.get("booth_id") + "\",\"timestamp\":0}";
        }
        if ("register".equals(type)) {
            String id = (String) message.get("client_id"); // the loadgen's pairs are a<i> and b<i>
            String peer = (id.startsWith("a") ? "b" : "a") + id.substring(1);
            return "{\"type\":\"registered\",\"client_id\":\"" + id + "\",\"room_id\":\"" + message.get("room_id")
                    + "\",\"peers\":[\"" + peer + "\"]}";
        }
        return null;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"echo -c 1 -r 2000", "broadcast -n 1 -S 1 -r 2000", "carparty -R 1 -K 1 -M 1 --input-rate 2000",
            "booth -P 1 -r 2000", "signaling -P 1 -r 2000"})
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
        if (scenario.startsWith("booth") || scenario.startsWith("signaling")) {
            // set-up was answered (no registration or connection timeout, no error reply): what failed are the
            // paced sends, refused, or queued but never delivered since the server stopped reading
            Set<String> expected = Set.of(Run.SEND_BUFFER_FULL, "timeout (no delivery within --drain)");
            assertTrue(expected.containsAll(errors.keySet()), "errors: " + errors);
        }
    }
}
