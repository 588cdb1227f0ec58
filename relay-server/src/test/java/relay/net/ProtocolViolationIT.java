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
import relay.ws.FrameWriter;

/**
 * RFC 6455 section 7.1.7 over real sockets: each violation, sent whole and one byte at a time by a raw
 * client, gets exactly one Close with the right code (1002, 1007 for bad UTF-8, 1009 for size), and then the
 * TCP connection ends. The close code is also counted in the metrics.
 */
@Timeout(60)
class ProtocolViolationIT {
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static byte[] cat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] closeWithCode(int code) {
        return RawClient.frame(0x88, bytes(code >>> 8, code & 0xFF));
    }

    static Stream<Arguments> violations() {
        byte[] header64MsbSet = bytes(0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4);
        byte[] header1MiBPlus1 = java.util.Arrays.copyOf(RawClient.frame(0x82, new byte[(1 << 20) + 1]), 14);
        return Stream.of(
                Arguments.of("5.2 RSV1 set", RawClient.frame(0xC1, utf8("hi")), 1002),
                Arguments.of("5.2 RSV3 set on ping", RawClient.frame(0x99, utf8("")), 1002),
                Arguments.of("5.2 reserved opcode 3", RawClient.frame(0x83, utf8("x")), 1002),
                Arguments.of("5.2 reserved opcode 7", RawClient.frame(0x87, utf8("x")), 1002),
                Arguments.of("5.2 reserved opcode 0xB", RawClient.frame(0x8B, utf8("x")), 1002),
                Arguments.of("5.2 reserved opcode 0xF", RawClient.frame(0x8F, utf8("x")), 1002),
                Arguments.of("5.1 unmasked frame", RawClient.unmaskedFrame(0x81, utf8("hi")), 1002),
                Arguments.of("5.2 64-bit length with MSB set", header64MsbSet, 1002),
                Arguments.of("5.5 ping of 126 bytes", RawClient.frame(0x89, new byte[126]), 1002),
                Arguments.of("5.5 fragmented ping", RawClient.frame(0x09, utf8("p")), 1002),
                Arguments.of("5.4 continuation without a message", RawClient.frame(0x80, utf8("x")), 1002),
                Arguments.of("5.4 new text inside a fragmented message",
                        cat(RawClient.frame(0x01, utf8("a")), RawClient.frame(0x81, utf8("b"))), 1002),
                Arguments.of("5.5.1 close with one byte", RawClient.frame(0x88, bytes(3)), 1002),
                Arguments.of("7.4 close code 1005", closeWithCode(1005), 1002),
                Arguments.of("7.4 close code 999", closeWithCode(999), 1002),
                Arguments.of("7.4 close code 5000", closeWithCode(5000), 1002),
                Arguments.of("8.1 close reason not UTF-8", RawClient.frame(0x88, bytes(0x03, 0xE8, 0xFF)), 1007),
                Arguments.of("8.1 text not UTF-8", RawClient.frame(0x81, bytes(0x61, 0xC0, 0x80)), 1007),
                Arguments.of("8.1 surrogate in text", RawClient.frame(0x81, bytes(0xED, 0xA0, 0x80)), 1007),
                Arguments.of("8.1 text truncated at message end",
                        cat(RawClient.frame(0x01, utf8("a")), RawClient.frame(0x80, bytes(0xE2, 0x82))), 1007),
                Arguments.of("10.4 1 MiB + 1 announced in the header", header1MiBPlus1, 1009));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("violations")
    void failsTheConnectionWithTheCodeAndEndsIt(String name, byte[] wire, int code) throws Exception {
        try (RawClient raw = RawClient.upgraded(server.port(), "/echo")) {
            raw.write(wire);
            RawClient.Frame close = raw.readClose();
            assertEquals(code, close.closeCode(), close.text());
            assertTrue(raw.serverClosesConnection(), "TCP connection ends after the Close");
        }
    }

    @ParameterizedTest(name = "{0} -> {2}, one byte at a time")
    @MethodSource("violations")
    void failsTheConnectionWhenTheViolationArrivesOneByteAtATime(String name, byte[] wire, int code) throws Exception {
        try (RawClient raw = RawClient.upgraded(server.port(), "/echo")) {
            raw.writeSlowly(cat(RawClient.frame(0x81, utf8("before")), wire));
            assertEquals("before", raw.readFrame().text());
            assertEquals(code, raw.readClose().closeCode());
            assertTrue(raw.serverClosesConnection());
        }
    }

    @Test
    void countsFailureCloseCodesInTheMetrics() throws Exception {
        long before = server.server().metrics().closesByCode().getOrDefault(1007, 0L);
        try (RawClient raw = RawClient.upgraded(server.port(), "/echo")) {
            raw.write(RawClient.frame(0x81, bytes(0xFF)));
            assertEquals(1007, raw.readClose().closeCode());
            assertTrue(raw.serverClosesConnection());
        }
        TestClient.await("1007 counted", () -> server.server().metrics().closesByCode().getOrDefault(1007, 0L) == before + 1);
    }

    @Test
    void answersPingWithPongAndIgnoresUnsolicitedPong() throws Exception {
        try (RawClient raw = RawClient.upgraded(server.port(), "/echo")) {
            raw.write(cat(RawClient.frame(0x8A, utf8("unsolicited")), RawClient.frame(0x89, utf8("hello?")),
                    RawClient.frame(0x81, utf8("after"))));
            RawClient.Frame pong = raw.readFrame();
            assertEquals(0xA, pong.opcode());
            assertEquals("hello?", pong.text());
            assertEquals("after", raw.readFrame().text());
        }
    }

    @Test
    void echoesAClientCloseAndClosesTheTcpConnectionFirst() throws Exception {
        try (RawClient raw = RawClient.upgraded(server.port(), "/echo")) {
            raw.write(RawClient.closeFrame(4321, "done"));
            RawClient.Frame close = raw.readClose();
            assertEquals(4321, close.closeCode());
            assertEquals("done", new String(close.payload(), 2, close.payload().length - 2, StandardCharsets.UTF_8));
            assertTrue(raw.serverClosesConnection());
            // 7.1.1: the server closes the TCP connection itself, without waiting for the client's FIN
            TestClient.await("connection released while the client still holds its socket",
                    () -> server.server().connections().size() == 0);
        }
    }

    @Test
    void echoesAnEmptyCloseWithAnEmptyClose() throws Exception {
        try (RawClient raw = RawClient.upgraded(server.port(), "/echo")) {
            raw.write(RawClient.frame(0x88, new byte[0]));
            RawClient.Frame close = raw.readClose();
            assertEquals(0, close.payload().length, "no status code to echo (1005 is never sent)");
            assertTrue(raw.serverClosesConnection());
        }
    }

    @Test
    void neverMasksServerFrames() throws Exception {
        try (RawClient raw = RawClient.upgraded(server.port(), "/echo")) {
            raw.write(RawClient.frame(0x82, new byte[70_000]));
            RawClient.Frame echo = raw.readFrame(); // readFrame throws on a masked server frame
            assertEquals(70_000, echo.payload().length);
            raw.write(RawClient.frame(0x88, FrameWriter.closePayload(1000, "")));
            assertEquals(1000, raw.readClose().closeCode());
        }
    }
}
