package relay.loadgen.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import relay.ws.Handshake;
import relay.ws.HttpRequestParser;

/** The load generator's client handshake, checked against relay's own server side. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ClientHandshakeTest {
    /** What relay's server side answers to the request (it throws if the request is not a valid upgrade). */
    private static String acceptFor(byte[] request) {
        return Handshake.accept(HttpRequestParser.parse(request, request.length));
    }

    private static byte[] head(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aSwitchingProtocolsAnswerWithTheRightAcceptIsAcceptedAndTheFramesAfterItKept() throws Exception {
        ClientHandshake handshake = new ClientHandshake();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        String accept = acceptFor(handshake.request("/echo", "127.0.0.1:8765"));
        byte[] response = head("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "sec-websocket-accept: " + accept + "\r\n\r\n\u0081\u0002hi");

        byte[] rest = handshake.exchange(new ByteArrayInputStream(response), sent, "/echo", "127.0.0.1:8765");

        assertArrayEquals(new byte[] {(byte) 0x81, 2, 'h', 'i'}, rest);
        assertTrue(sent.toString(StandardCharsets.ISO_8859_1).startsWith("GET /echo HTTP/1.1\r\nHost: 127.0.0.1:8765\r\n"));
    }

    @Test
    void anotherStatusIsRefusedByItsCode() {
        byte[] response = head("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        var e = assertThrows(ClientHandshake.RefusedException.class,
                () -> new ClientHandshake().check(response, response.length));
        assertEquals("http 404", e.kind());
        assertEquals("upgrade refused: HTTP/1.1 404 Not Found", e.getMessage());
    }

    @Test
    void aWrongAcceptIsRefused() {
        byte[] response = head("HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: x\r\n\r\n");
        var e = assertThrows(ClientHandshake.RefusedException.class,
                () -> new ClientHandshake().check(response, response.length));
        assertEquals("bad Sec-WebSocket-Accept", e.kind());
    }

    @Test
    void theHostHeaderBracketsIpv6AndLeavesOutTheDefaultPort() {
        assertEquals("127.0.0.1:8765", ClientHandshake.hostHeader("127.0.0.1", 8765, false));
        assertEquals("example.org", ClientHandshake.hostHeader("example.org", 443, true));
        assertEquals("[::1]:80", ClientHandshake.hostHeader("::1", 80, true));
    }
}
