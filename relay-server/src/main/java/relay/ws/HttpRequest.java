package relay.ws;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 request head as parsed by {@link HttpRequestParser}. Header names are lower-case; repeated
 * headers are kept in order. {@code path} and {@code query} split the request target at the first '?'.
 */
public record HttpRequest(String method, String target, String version, Map<String, List<String>> headers) {

    /** The same request line without headers, to keep per connection after the upgrade (path and query only). */
    public HttpRequest withoutHeaders() {
        return new HttpRequest(method, target, version, Map.of());
    }

    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /** The raw query string without '?', or "" when there is none. */
    public String query() {
        int q = target.indexOf('?');
        return q < 0 ? "" : target.substring(q + 1);
    }

    /** The first value of a header, or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Whether a comma-separated token list header (across repeats) contains {@code token}, case-insensitively. */
    public boolean headerHasToken(String name, String token) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        if (values == null) {
            return false;
        }
        for (String value : values) {
            for (String part : value.split(",")) {
                if (part.trim().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    public int headerCount(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null ? 0 : values.size();
    }
}
