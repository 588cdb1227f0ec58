package relay.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import relay.ws.HttpRequest;
import relay.ws.HttpResponse;

/**
 * The small table of plain-HTTP routes every listener serves (test page, health, metrics, studio API).
 * Exact paths win over prefixes; GET and HEAD are served, other methods get 405. Filled at start-up, read-only
 * afterwards.
 */
public final class HttpRoutes {
    private final Map<String, Function<HttpRequest, HttpResponse>> exact = new LinkedHashMap<>();
    private final Map<String, Function<HttpRequest, HttpResponse>> prefixes = new LinkedHashMap<>();

    public HttpRoutes exact(String path, Function<HttpRequest, HttpResponse> handler) {
        exact.put(path, handler);
        return this;
    }

    /** Serves every path that starts with {@code prefix}. */
    public HttpRoutes prefix(String prefix, Function<HttpRequest, HttpResponse> handler) {
        prefixes.put(prefix, handler);
        return this;
    }

    public HttpResponse serve(HttpRequest request) {
        String path = request.path();
        Function<HttpRequest, HttpResponse> handler = exact.get(path);
        if (handler == null) {
            for (Map.Entry<String, Function<HttpRequest, HttpResponse>> e : prefixes.entrySet()) {
                if (path.startsWith(e.getKey())) {
                    handler = e.getValue();
                    break;
                }
            }
        }
        if (handler == null) {
            return HttpResponse.text(404, "not found: " + path);
        }
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return HttpResponse.text(405, "method not allowed").withHeader("Allow", "GET, HEAD");
        }
        return handler.apply(request);
    }
}
