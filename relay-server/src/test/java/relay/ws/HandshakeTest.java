package relay.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The server's opening handshake checks (RFC 6455 section 4.2.1) and its 101 answer (4.2.2). */
@Timeout(10)
class HandshakeTest {
    static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    static final String VALID = "GET /echo HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n";

    static HttpRequest parse(String head) {
        byte[] b = head.getBytes(StandardCharsets.ISO_8859_1);
        return HttpRequestParser.parse(b, HttpRequestParser.findEnd(b, b.length));
    }

    static String without(String header) {
        return VALID.replaceAll("(?m)^" + header + ": [^\r]*\r\n", "");
    }

    static String replace(String header, String value) {
        return VALID.replaceAll("(?m)^" + header + ": [^\r]*\r\n", header + ": " + value + "\r\n");
    }

    @Test
    void computesTheAcceptValueOfTheRfcExample() {
        // 4.2.2 / 1.3: the sample nonce and its accept value
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Handshake.acceptValue(KEY));
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Handshake.accept(parse(VALID)));
        String response = new String(Handshake.switchingProtocols("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), StandardCharsets.ISO_8859_1);
        assertTrue(response.startsWith("HTTP/1.1 101 Switching Protocols\r\n"));
        assertTrue(response.contains("\r\nUpgrade: websocket\r\n"));
        assertTrue(response.contains("\r\nConnection: Upgrade\r\n"));
        assertTrue(response.contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
        assertTrue(response.endsWith("\r\n\r\n"));
    }

    @Test
    void acceptsTokenListsAndAnyCase() {
        String head = VALID.replace("Upgrade: websocket", "upgrade: WebSocket").replace("Connection: Upgrade", "Connection: keep-alive, upgrade");
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Handshake.accept(parse(head)));
        String split = VALID.replace("Connection: Upgrade\r\n", "Connection: keep-alive\r\nConnection: Upgrade\r\n");
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Handshake.accept(parse(split)), "a token list may span repeated headers");
    }

    @Test
    void recognisesWebSocketAttemptsAsUpgradeRequests() {
        assertTrue(Handshake.isUpgradeRequest(parse(VALID)));
        assertTrue(Handshake.isUpgradeRequest(parse(without("Upgrade"))), "a handshake missing Upgrade still gets a 400, not the HTTP routes");
        assertFalse(Handshake.isUpgradeRequest(parse("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")));
        assertFalse(Handshake.isUpgradeRequest(parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n")));
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("4.2.1(1) method POST", VALID.replace("GET /echo", "POST /echo"), 400),
                Arguments.of("4.2.1(1) HTTP/1.0", VALID.replace("HTTP/1.1\r\nHost", "HTTP/1.0\r\nHost"), 400),
                Arguments.of("4.2.1(2) missing Host", without("Host"), 400),
                Arguments.of("4.2.1(2) empty Host", replace("Host", ""), 400),
                Arguments.of("4.2.1(2) two Host headers", VALID.replace("Host: server.example.com\r\n", "Host: a\r\nHost: b\r\n"), 400),
                Arguments.of("4.2.1(3) missing Upgrade", without("Upgrade"), 400),
                Arguments.of("4.2.1(3) Upgrade not websocket", replace("Upgrade", "h2c"), 400),
                Arguments.of("4.2.1(4) missing Connection", without("Connection"), 400),
                Arguments.of("4.2.1(4) Connection without Upgrade", replace("Connection", "keep-alive"), 400),
                Arguments.of("4.2.1(5) missing Sec-WebSocket-Key", without("Sec-WebSocket-Key"), 400),
                Arguments.of("4.2.1(5) key of 15 bytes", replace("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAA"), 400),
                Arguments.of("4.2.1(5) key of 17 bytes", replace("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAAA="), 400),
                Arguments.of("4.2.1(5) key not base64", replace("Sec-WebSocket-Key", "!!!!!!!!!!!!!!!!!!!!!!=="), 400),
                Arguments.of("4.2.1(5) key repeated", VALID.replace("Sec-WebSocket-Version", "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version"), 400),
                Arguments.of("4.4 missing Sec-WebSocket-Version", without("Sec-WebSocket-Version"), 426),
                Arguments.of("4.4 Sec-WebSocket-Version 8", replace("Sec-WebSocket-Version", "8"), 426),
                Arguments.of("4.4 Sec-WebSocket-Version 14", replace("Sec-WebSocket-Version", "14"), 426));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("refused")
    void refusesInvalidUpgradeRequests(String name, String head, int status) {
        HttpException e = assertThrows(HttpException.class, () -> Handshake.accept(parse(head)));
        assertEquals(status, e.response().status());
        if (status == 426) {
            // 4.4: the server MUST include a Sec-WebSocket-Version header field with the versions it understands
            assertEquals("13", e.response().headers().get("Sec-WebSocket-Version"));
        }
    }
}
