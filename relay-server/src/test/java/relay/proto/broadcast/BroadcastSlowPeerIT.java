package relay.proto.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import relay.config.Admission;
import relay.config.Limits;
import relay.testing.RawClient;
import relay.testing.TestClient;
import relay.testing.TestServer;

/**
 * protocols.md general rules: a member that cannot keep up is closed with 1013 when its bounded queue
 * overflows, and the other members of its group still get every message, in order.
 */
@Timeout(60)
class BroadcastSlowPeerIT {
    private static final int MESSAGES = 1000;
    private static final int MESSAGE_BYTES = 16 * 1024;
    private static final int WINDOW = 8;

    @Test
    void aMemberThatNeverReadsIsClosedWith1013WhileTheOthersGetEverything() throws Exception {
        try (TestServer server = TestServer.start(c -> c.withLimits(smallQueues(c.limits())).withAdmission(noRateLimits(c.admission())));
             Socket slow = neverReadingMember(server.port());
             TestClient sender = TestClient.connect(server.uri("/ws/relay/"));
             TestClient fast = TestClient.connect(server.uri("/ws/relay/"));
             TestClient other = TestClient.connect(server.uri("/ws/holds/"))) {
            BroadcastEndpoint broadcast = (BroadcastEndpoint) server.server().protocol("broadcast");
            TestClient.await("four members", () -> broadcast.members() == 4);

            // The healthy members read as they go (a window of WINDOW messages), so only the one that never
            // reads falls behind; 16 MB for it cannot fit its socket buffers plus its 1 MiB queue.
            String padding = "p".repeat(MESSAGE_BYTES);
            for (int i = 0; i < MESSAGES; i += WINDOW) {
                for (int j = i; j < i + WINDOW; j++) {
                    sender.send(j + ":" + padding);
                }
                for (TestClient member : List.of(sender, fast, other)) {
                    for (int j = i; j < i + WINDOW; j++) {
                        String text = member.nextText();
                        assertEquals(j, Integer.parseInt(text.substring(0, text.indexOf(':'))), "message order");
                    }
                }
            }
            TestClient.await("the slow member counted as overflowed",
                    () -> server.server().metrics().queueOverflows.sum() >= 1);
            TestClient.await("the slow member closed with 1013",
                    () -> server.server().metrics().closesByCode().getOrDefault(1013, 0L) == 1);
            TestClient.await("the slow member removed from the group", () -> broadcast.members() == 3);
            sender.send("after");
            assertEquals("after", fast.nextText());
            assertEquals("after", other.nextText());
            assertEquals(1, server.server().metrics().queueOverflows.sum(), "only the slow member overflowed");
        }
    }

    /** A member whose receive window is tiny and that never reads after the upgrade. */
    private static Socket neverReadingMember(int port) throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        socket.setSoTimeout(5000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /ws/relay/ HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + RawClient.KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IllegalStateException("no upgrade: " + head);
            }
            head.append((char) b);
        }
        assertTrue(head.toString().startsWith("HTTP/1.1 101"), head.toString());
        return socket;
    }

    /** 256 messages or 1 MiB per peer, and a short close timeout so that the stuck peer is dropped soon. */
    static Limits smallQueues(Limits l) {
        return new Limits(l.maxMessageBytes(), l.maxHeaderBytes(), l.handshakeTimeoutMs(), l.pingIntervalMs(),
                l.pongTimeoutMs(), 500, 256, 1 << 20, l.readBufferBytes());
    }

    static Admission noRateLimits(Admission a) {
        return new Admission(a.maxConnections(), a.maxConnectionsPerIp(), a.maxHandshakesInFlight(), 0, 0,
                a.maxFragmentsPerMessage(), a.allowedOrigins());
    }
}
