package relay.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The request-head parser (RFC 9112 sections 3 and 5): what it extracts and which heads it refuses with 400. */
@Timeout(10)
class HttpRequestParserTest {
    static HttpRequest parse(String head) {
        byte[] b = head.getBytes(StandardCharsets.ISO_8859_1);
        int end = HttpRequestParser.findEnd(b, b.length);
        assertTrue(end > 0, "head complete");
        return HttpRequestParser.parse(b, end);
    }

    @Test
    void parsesRequestLineHeadersPathAndQuery() {
        HttpRequest r = parse("GET /ws/relay/room1/?token=a%20b&x=1 HTTP/1.1\r\nHost: example.com:8765\r\n"
                + "Upgrade: WebSocket\r\nconnection: keep-alive, Upgrade\r\nX-Twice: 1\r\nx-twice: 2\r\nEmpty:\r\n\r\n");
        assertEquals("GET", r.method());
        assertEquals("HTTP/1.1", r.version());
        assertEquals("/ws/relay/room1/", r.path());
        assertEquals("token=a%20b&x=1", r.query());
        assertEquals("example.com:8765", r.header("HOST"));
        assertEquals(List.of("1", "2"), r.headers().get("x-twice"));
        assertEquals(2, r.headerCount("X-Twice"));
        assertEquals("", r.header("empty"));
        assertTrue(r.headerHasToken("upgrade", "websocket"), "token match is case-insensitive");
        assertTrue(r.headerHasToken("connection", "upgrade"), "token lists are split on commas");
    }

    @Test
    void findsTheEndOfTheHeadOnlyOnceTheBlankLineArrived() {
        byte[] b = "GET / HTTP/1.1\r\nHost: x\r\n\r\nTRAILING".getBytes(StandardCharsets.ISO_8859_1);
        String head = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        assertEquals(head.length(), HttpRequestParser.findEnd(b, b.length));
        for (int n = 0; n < head.length(); n++) {
            assertEquals(-1, HttpRequestParser.findEnd(b, n), "incomplete at " + n);
        }
        byte[] lf = "GET / HTTP/1.1\nHost: x\n\n".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(lf.length, HttpRequestParser.findEnd(lf, lf.length), "bare LF line ends (RFC 9112 2.2)");
    }

    @Test
    void acceptsBareLfLineEnds() {
        HttpRequest r = parse("GET /echo HTTP/1.1\nHost: x\nUpgrade: websocket\n\n");
        assertEquals("/echo", r.path());
        assertEquals("websocket", r.header("upgrade"));
    }

    @ParameterizedTest(name = "400 for {0}")
    @ValueSource(strings = {
        "GET /\r\n\r\n",                                   // request line without version
        "GET  / HTTP/1.1\r\n\r\n",                         // two spaces
        "GET / HTTP/1.1 extra\r\n\r\n",                     // four parts
        "G(T / HTTP/1.1\r\n\r\n",                          // method not a token
        "GET / FTP/1.0\r\n\r\n",                           // not an HTTP version
        "GET / HTTP/x.y\r\n\r\n",                          // malformed version number
        "GET / HTTP/1\r\n\r\n",                            // malformed version number
        "GET echo HTTP/1.1\r\n\r\n",                        // target not an absolute path
        "GET /a\u0001b HTTP/1.1\r\n\r\n",                   // control character in the target
        "GET / HTTP/1.1\r\nHost x\r\n\r\n",                 // header without colon
        "GET / HTTP/1.1\r\n: value\r\n\r\n",                // empty header name
        "GET / HTTP/1.1\r\nHost : x\r\n\r\n",               // whitespace before the colon (9112 5.1)
        "GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",      // obs-fold (9112 5.2)
        "GET / HTTP/1.1\r\nX-Bad: a\u0000b\r\n\r\n",          // NUL in a field value (9110 5.5)
        "\r\n\r\n",                                        // no request line at all
    })
    void refusesMalformedHeads(String head) {
        HttpException e = assertThrows(HttpException.class, () -> parse(head));
        assertEquals(400, e.response().status());
    }
}
