package relay.loadgen.net;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import relay.ws.Handshake;
import relay.ws.HttpRequestParser;

/**
 * The client's half of the opening handshake (RFC 6455 4.1), shared by every client of the load generator:
 * the upgrade request with a fresh {@code Sec-WebSocket-Key}, and the check of the server's response head.
 * The accept value is computed by relay's own {@link Handshake#acceptValue} and the end of the head found by
 * {@link HttpRequestParser#findEnd}. A non-blocking client feeds the head it has collected to {@link #check};
 * a blocking one calls {@link #exchange}. One instance per connection attempt, used by one thread.
 */
public final class ClientHandshake {
    /** Largest response head a client waits for before giving up. */
    public static final int MAX_RESPONSE_HEAD_BYTES = 64 * 1024;

    private final String key;

    public ClientHandshake() {
        byte[] nonce = new byte[16];
        // 4.1: a nonce of 16 randomly selected bytes, base64-encoded
        ThreadLocalRandom.current().nextBytes(nonce);
        this.key = Base64.getEncoder().encodeToString(nonce);
    }

    /** The server did not accept the upgrade; {@link #kind} names it as a run counts it ("http 404"). */
    public static final class RefusedException extends IOException {
        private final String kind;

        RefusedException(String kind, String message) {
            super(message);
            this.kind = kind;
        }

        public String kind() {
            return kind;
        }
    }

    /** The value of a {@code Host} header: IPv6 literals in brackets, the port left out when it is the default. */
    public static String hostHeader(String host, int port, boolean tls) {
        boolean defaultPort = port == (tls ? 443 : 80);
        return (host.contains(":") ? "[" + host + "]" : host) + (defaultPort ? "" : ":" + port);
    }

    /** The upgrade request for {@code target} (path and query) on {@code host} (see {@link #hostHeader}). */
    public byte[] request(String target, String host) {
        return ("GET " + target + " HTTP/1.1\r\n"
                + "Host: " + host + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The index just past the response head in {@code bytes[0..length)}, scanning from {@code from}; -1 if incomplete. */
    public static int headEnd(byte[] bytes, int from, int length) {
        return HttpRequestParser.findEnd(bytes, from, length);
    }

    /** Checks the response head {@code bytes[0..headEnd)}: returns if the server switched protocols, throws if not. */
    public void check(byte[] bytes, int headEnd) throws RefusedException {
        String[] lines = new String(bytes, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r?\n");
        String[] status = lines[0].split(" ", 3);
        // 4.1: if the status code received from the server is not 101, the client handles the response per HTTP
        if (status.length < 2 || !status[0].startsWith("HTTP/") || !status[1].equals("101")) {
            throw new RefusedException("http " + (status.length > 1 ? status[1] : "?"), "upgrade refused: " + lines[0]);
        }
        String accept = null;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).trim().equalsIgnoreCase("sec-websocket-accept")) {
                accept = lines[i].substring(colon + 1).trim();
            }
        }
        // 4.1: if the Sec-WebSocket-Accept value is not the expected one, the client MUST fail the connection
        if (!Handshake.acceptValue(key).equals(accept)) {
            throw new RefusedException("bad Sec-WebSocket-Accept", "bad Sec-WebSocket-Accept in the handshake response");
        }
    }

    /**
     * The whole handshake on a blocking connection: writes the request, reads and checks the response head.
     * Returns what was read past the head (the server's first frames, often empty).
     */
    public byte[] exchange(InputStream in, OutputStream out, String target, String host) throws IOException {
        out.write(request(target, host));
        out.flush();
        byte[] buffer = new byte[4096];
        int length = 0;
        while (true) {
            if (length == buffer.length) {
                if (length >= MAX_RESPONSE_HEAD_BYTES) {
                    throw new IOException("handshake response too large");
                }
                buffer = Arrays.copyOf(buffer, length * 2);
            }
            int n = in.read(buffer, length, buffer.length - length);
            if (n < 0) {
                throw new EOFException("connection closed during the handshake");
            }
            int end = headEnd(buffer, Math.max(0, length - 3), length + n);
            length += n;
            if (end >= 0) {
                check(buffer, end);
                return Arrays.copyOfRange(buffer, end, length);
            }
        }
    }
}
