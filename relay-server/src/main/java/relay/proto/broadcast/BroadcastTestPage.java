package relay.proto.broadcast;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import relay.http.HttpRoutes;
import relay.ws.HttpResponse;

/**
 * {@code GET /websocket-relay-test/}: the broadcast test page of seed 002, a single self-contained HTML file
 * in the jar (no CDN, no build step) that joins {@code /ws/relay/} of the host it was loaded from. Also
 * served without the trailing slash, which browsers' address bars often drop.
 */
public final class BroadcastTestPage {
    public static final String PATH = "/websocket-relay-test/";
    private static final String RESOURCE = "websocket-relay-test.html";

    private BroadcastTestPage() {}

    public static void register(HttpRoutes http) {
        HttpResponse page = HttpResponse.of(200, "text/html; charset=utf-8", load());
        http.exact(PATH, request -> page);
        http.exact(PATH.substring(0, PATH.length() - 1), request -> page);
    }

    private static byte[] load() {
        try (InputStream in = BroadcastTestPage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
