package relay.ws;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses an HTTP/1.1 request head (RFC 9112 sections 3 and 5). The caller collects bytes until
 * {@link #findEnd} reports the blank line, enforcing its own size limit while it waits, then calls
 * {@link #parse}. Malformed heads throw {@link HttpException} with status 400.
 */
public final class HttpRequestParser {
    private HttpRequestParser() {}

    /**
     * Returns the index just past the blank line ending the head within {@code bytes[0..length)}, or -1
     * if it has not arrived. Accepts CRLF and, leniently (RFC 9112 2.2), bare LF line ends.
     */
    public static int findEnd(byte[] bytes, int length) {
        return findEnd(bytes, 0, length);
    }

    /**
     * As {@link #findEnd(byte[], int)}, scanning from {@code from}: a reader that calls this after every read
     * passes where the previous scan stopped (less three bytes, for a line end split across reads), so a
     * head sent a byte at a time costs linear, not quadratic, work.
     */
    public static int findEnd(byte[] bytes, int from, int length) {
        for (int i = Math.max(0, from); i < length; i++) {
            if (bytes[i] == '\n') {
                if (i + 1 < length && bytes[i + 1] == '\n') {
                    return i + 2;
                }
                if (i + 2 < length && bytes[i + 1] == '\r' && bytes[i + 2] == '\n') {
                    return i + 3;
                }
            }
        }
        return -1;
    }

    public static HttpRequest parse(byte[] bytes, int length) {
        String head = new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\n", -1);
        String requestLine = stripCr(lines[0]);
        String[] parts = requestLine.split(" ", -1);
        // 9112 3: request-line = method SP request-target SP HTTP-version
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new HttpException(400, "malformed request line");
        }
        if (!isToken(parts[0])) {
            throw new HttpException(400, "malformed method");
        }
        // 9112 2.3: HTTP-version = "HTTP" "/" DIGIT "." DIGIT
        if (!isHttpVersion(parts[2])) {
            throw new HttpException(400, "malformed HTTP version");
        }
        if (!parts[1].startsWith("/")) {
            throw new HttpException(400, "request target must be an absolute path");
        }
        for (int i = 0; i < parts[1].length(); i++) {
            char c = parts[1].charAt(i);
            if (c <= ' ' || c >= 0x7F) {
                throw new HttpException(400, "invalid character in request target");
            }
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String line = stripCr(lines[i]);
            if (line.isEmpty()) {
                break;
            }
            // 9112 5.2: obs-fold is rejected with 400
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new HttpException(400, "folded header line");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new HttpException(400, "malformed header line");
            }
            String name = line.substring(0, colon);
            // 9112 5.1: no whitespace is allowed between the field name and colon
            if (!isToken(name)) {
                throw new HttpException(400, "malformed header name");
            }
            String value = line.substring(colon + 1).strip();
            // 9110 5.5: a field value with CR, LF, NUL or other control characters is refused, not repaired
            if (!isFieldValue(value)) {
                throw new HttpException(400, "invalid character in header " + name);
            }
            headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>(1)).add(value);
        }
        return new HttpRequest(parts[0], parts[1], parts[2], headers);
    }

    private static String stripCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    static boolean isHttpVersion(String v) {
        return v.length() == 8 && v.startsWith("HTTP/") && Character.isDigit(v.charAt(5)) && v.charAt(6) == '.'
                && Character.isDigit(v.charAt(7));
    }

    private static boolean isFieldValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < ' ' && c != '\t') || c == 0x7F) {
                return false;
            }
        }
        return true;
    }

    /** RFC 9110 5.6.2 token characters. */
    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
