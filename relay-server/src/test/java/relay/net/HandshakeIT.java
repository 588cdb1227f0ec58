package relay.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import relay.testing.RawClient;
import relay.testing.TestClient;
import relay.testing.TestServer;

/**
 * The opening handshake over real sockets (RFC 6455 section 4.2): every refusal gets its status, a short
 * reason and the end of the TCP connection; slow or silent clients are cut off by the handshake timeout.
 */
@Timeout(60)
class HandshakeIT {
    static final String KEY = RawClient.KEY;
    static final String VALID = "GET /echo HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n";

    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(c -> c.withLimits(TestServer.limits(400, 20_000, 20_000, 5_000)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String without(String header) {
        return VALID.replaceAll("(?m)^" + header + ": [^\r]*\r\n", "");
    }

    static String with(String header, String value) {
        return VALID.replaceAll("(?m)^" + header + ": [^\r]*\r\n", header + ": " + value + "\r\n");
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("POST instead of GET", VALID.replace("GET /echo", "POST /echo"), 400),
                Arguments.of("HTTP/1.0", VALID.replace("/echo HTTP/1.1", "/echo HTTP/1.0"), 400),
                Arguments.of("missing Host", without("Host"), 400),
                Arguments.of("two Host headers", VALID.replace("Host: localhost\r\n", "Host: a\r\nHost: b\r\n"), 400),
                Arguments.of("missing Upgrade", without("Upgrade"), 400),
                Arguments.of("Upgrade: h2c", with("Upgrade", "h2c"), 400),
                Arguments.of("missing Connection", without("Connection"), 400),
                Arguments.of("Connection: keep-alive only", with("Connection", "keep-alive"), 400),
                Arguments.of("missing Sec-WebSocket-Key", without("Sec-WebSocket-Key"), 400),
                Arguments.of("short Sec-WebSocket-Key", with("Sec-WebSocket-Key", "c2hvcnQ="), 400),
                Arguments.of("Sec-WebSocket-Key of 15 bytes", with("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAA"), 400),
                Arguments.of("Sec-WebSocket-Key not base64", with("Sec-WebSocket-Key", "!!!!!!!!!!!!!!!!!!!!!!=="), 400),
                Arguments.of("malformed request line", VALID.replace("GET /echo HTTP/1.1", "GET /echo"), 400),
                Arguments.of("request target not a path", VALID.replace("GET /echo", "GET echo"), 400),
                Arguments.of("header line without colon", VALID.replace("Host: localhost", "Host localhost"), 400),
                Arguments.of("space before the colon", VALID.replace("Host: localhost", "Host : localhost"), 400),
                Arguments.of("folded header", VALID.replace("Host: localhost\r\n", "Host: localhost\r\n continued\r\n"), 400),
                Arguments.of("Sec-WebSocket-Version 8", with("Sec-WebSocket-Version", "8"), 426),
                Arguments.of("missing Sec-WebSocket-Version", without("Sec-WebSocket-Version"), 426),
                Arguments.of("unknown path", VALID.replace("GET /echo", "GET /no-such-endpoint"), 404),
                // the plain-HTTP pages (HttpRoutes) serve GET and HEAD only; a body is drained, not reset
                Arguments.of("POST to /healthz", page("POST", "/healthz"), 405),
                Arguments.of("PUT to /metrics", page("PUT", "/metrics"), 405),
                Arguments.of("DELETE to /healthz", page("DELETE", "/healthz"), 405),
                Arguments.of("OPTIONS to /metrics", page("OPTIONS", "/metrics"), 405));
    }

    /** A plain HTTP request with a small body, as a real POST would carry. */
    static String page(String method, String path) {
        return method + " " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("refusals")
    void refusesWithStatusAndEndsTheConnection(String name, String request, int status) throws Exception {
        try (RawClient raw = new RawClient(server.port())) {
            String head = raw.request(request);
            assertTrue(head.startsWith("HTTP/1.1 " + status + " "), head);
            assertTrue(head.contains("\r\nConnection: close\r\n"), head);
            if (status == 426) {
                // 4.4: the versions the server understands, in a Sec-WebSocket-Version header
                assertTrue(head.contains("\r\nSec-WebSocket-Version: 13\r\n"), head);
            }
            if (status == 405) {
                // RFC 9110 15.5.6: the origin server MUST generate an Allow header field in a 405 response
                assertTrue(head.contains("\r\nAllow: GET, HEAD\r\n"), head);
            }
            String body = raw.readToEnd();
            assertTrue(!body.isBlank(), "a short reason in the body");
        }
    }

    @Test
    void upgradesAValidRequestWithTheRightAcceptValue() throws Exception {
        try (RawClient raw = new RawClient(server.port())) {
            String head = raw.request(VALID);
            assertTrue(head.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), head);
            assertTrue(head.contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), head);
        }
    }

    @Test
    void acceptsARequestSentOneByteAtATimeWithFramesRightBehindIt() throws Exception {
        try (RawClient raw = new RawClient(server.port())) {
            byte[] request = VALID.getBytes(StandardCharsets.ISO_8859_1);
            raw.writeSlowly(java.util.Arrays.copyOf(request, request.length - 1));
            byte[] frame = RawClient.frame(0x81, "early".getBytes(StandardCharsets.UTF_8));
            byte[] last = new byte[1 + frame.length];
            last[0] = request[request.length - 1];
            System.arraycopy(frame, 0, last, 1, frame.length);
            raw.write(last); // the end of the head and a first frame in one segment
            assertTrue(raw.readHead().startsWith("HTTP/1.1 101"));
            assertEquals("early", raw.readFrame().text());
        }
    }

    @Test
    void answers431ToAHeadLargerThan8KiB() throws Exception {
        try (RawClient raw = new RawClient(server.port())) {
            String big = VALID.replace("\r\n\r\n", "\r\nX-Filler: " + "x".repeat(16 * 1024) + "\r\n\r\n");
            String head = raw.request(big);
            assertTrue(head.startsWith("HTTP/1.1 431 "), head);
            raw.readToEnd();
        }
    }

    @Test
    void acceptsAHeadJustUnder8KiB() throws Exception {
        String filler = "x".repeat(8 * 1024 - VALID.length() - 20);
        String request = VALID.replace("\r\n\r\n", "\r\nX-F: " + filler + "\r\n\r\n");
        assertTrue(request.length() <= 8 * 1024);
        try (RawClient raw = new RawClient(server.port())) {
            assertTrue(raw.request(request).startsWith("HTTP/1.1 101"));
        }
    }

    @Test
    void servesPlainHttpAndHeadWithoutABody() throws Exception {
        try (RawClient raw = new RawClient(server.port())) {
            assertTrue(raw.request("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 200 "));
            assertTrue(raw.readToEnd().contains("\"status\":\"ok\""));
        }
        try (RawClient raw = new RawClient(server.port())) {
            assertTrue(raw.request("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 200 "));
            assertEquals("", raw.readToEnd());
        }
    }

    @Test
    void dropsAClientThatSendsNothingAfterTheHandshakeTimeout() throws Exception {
        long timeoutsBefore = server.server().metrics().handshakeFailures().getOrDefault("timeout", 0L);
        try (RawClient raw = new RawClient(server.port())) {
            long start = System.nanoTime();
            assertTrue(raw.serverClosesConnection(), "closed within the 5 s read timeout");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 300 && ms < 3_000, "closed after the 400 ms handshake timeout, took " + ms + " ms");
        }
        TestClient.await("released", () -> server.server().connections().size() == 0);
        assertEquals(timeoutsBefore + 1, server.server().metrics().handshakeFailures().get("timeout"), "counted once");
    }

    @Test
    void dropsASlowlorisClientAfterTheHandshakeTimeout() throws Exception {
        try (RawClient raw = new RawClient(server.port())) {
            raw.timeout(50);
            byte[] request = VALID.getBytes(StandardCharsets.ISO_8859_1);
            long start = System.nanoTime();
            boolean closed = false;
            for (int i = 0; i < request.length - 1 && !closed; i++) {
                try {
                    raw.write(new byte[] {request[i]}); // one byte per 50 ms: the head would take 7 s
                } catch (java.io.IOException e) {
                    closed = true; // reset by the server
                    break;
                }
                closed = raw.serverClosesConnection();
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(closed, "server ended the connection");
            assertTrue(ms < 3_000, "cut off after the handshake timeout, took " + ms + " ms");
        }
        TestClient.await("handshake connections released", () -> server.server().connections().size() == 0);
    }
}
