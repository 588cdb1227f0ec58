package relay.ws;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The server side of the opening handshake (RFC 6455 section 4.2): checks a client's upgrade request and
 * builds the 101 response. Requests that fail get 400 with a short reason, or 426 for an unsupported
 * version (4.4).
 */
public final class Handshake {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private Handshake() {}

    /**
     * Whether the request attempts a WebSocket upgrade (as opposed to plain HTTP): it asks for
     * {@code Upgrade: websocket} or carries a {@code Sec-WebSocket-Key} or {@code -Version}. An attempt is
     * answered by {@link #accept}, so a broken handshake gets its 400/426 instead of the HTTP route table.
     */
    public static boolean isUpgradeRequest(HttpRequest request) {
        return request.headerHasToken("upgrade", "websocket")
                || request.headerCount("sec-websocket-key") > 0
                || request.headerCount("sec-websocket-version") > 0;
    }

    /** Validates an upgrade request; returns the {@code Sec-WebSocket-Accept} value or throws {@link HttpException}. */
    public static String accept(HttpRequest request) {
        // 4.2.1 (1): an HTTP/1.1 or higher GET request
        if (!request.method().equals("GET")) {
            throw new HttpException(400, "WebSocket upgrade requires GET");
        }
        if (!isAtLeastHttp11(request.version())) {
            throw new HttpException(400, "WebSocket upgrade requires HTTP/1.1");
        }
        // 4.2.1 (2): a |Host| header field
        if (request.headerCount("host") != 1 || request.header("host").isEmpty()) {
            throw new HttpException(400, "missing or repeated Host header");
        }
        // 4.2.1 (3): an |Upgrade| header field containing the value "websocket"
        if (!request.headerHasToken("upgrade", "websocket")) {
            throw new HttpException(400, "missing Upgrade: websocket");
        }
        // 4.2.1 (4): a |Connection| header field that includes the token "Upgrade"
        if (!request.headerHasToken("connection", "upgrade")) {
            throw new HttpException(400, "missing Connection: Upgrade");
        }
        // 4.2.1 (6) and 4.4: a |Sec-WebSocket-Version| of 13, otherwise 426 naming the versions we speak
        String version = request.header("sec-websocket-version");
        if (version == null || !version.equals("13") || request.headerCount("sec-websocket-version") != 1) {
            throw new HttpException(HttpResponse.text(426, "unsupported Sec-WebSocket-Version; use 13")
                    .withHeader("Sec-WebSocket-Version", "13"));
        }
        // 4.2.1 (5): a |Sec-WebSocket-Key| that, when decoded, is 16 bytes long
        String key = request.header("sec-websocket-key");
        if (key == null || request.headerCount("sec-websocket-key") != 1 || !isValidKey(key)) {
            throw new HttpException(400, "missing or invalid Sec-WebSocket-Key");
        }
        return acceptValue(key);
    }

    /** 4.2.1 (1): "the HTTP version MUST be at least 1.1"; the parser has checked the HTTP/d.d shape. */
    private static boolean isAtLeastHttp11(String version) {
        if (!HttpRequestParser.isHttpVersion(version)) {
            return false;
        }
        int major = version.charAt(5) - '0';
        int minor = version.charAt(7) - '0';
        return major > 1 || (major == 1 && minor >= 1);
    }

    static boolean isValidKey(String key) {
        if (key.length() != 24) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** 4.2.2 (5.4): base64(SHA-1(key + GUID)). */
    public static String acceptValue(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] digest = sha1.digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    public static byte[] switchingProtocols(String acceptValue) {
        return ("HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + acceptValue + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }
}
