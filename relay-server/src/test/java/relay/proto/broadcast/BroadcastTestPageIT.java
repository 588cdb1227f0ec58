package relay.proto.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import relay.testing.HeadlessChromium;
import relay.testing.TestClient;
import relay.testing.TestServer;

/**
 * protocols.md "broadcast": the test page at {@code GET /websocket-relay-test/}, served from the jar, and used
 * as seed 002's README says: open it in two tabs of a real browser, send from one, see it in both.
 */
@Timeout(90)
class BroadcastTestPageIT {
    private static final String STATUS = "document.getElementById('status').textContent";
    private static final String MESSAGES = "document.getElementById('messages').innerText";

    @Test
    void servesTheSelfContainedPageWithAndWithoutTheTrailingSlash() throws Exception {
        try (TestServer server = TestServer.start()) {
            HttpClient http = HttpClient.newHttpClient();
            for (String path : new String[] {"/websocket-relay-test/", "/websocket-relay-test"}) {
                HttpResponse<String> page = http.send(HttpRequest.newBuilder(server.http(path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, page.statusCode(), path);
                assertTrue(page.headers().firstValue("content-type").orElse("").startsWith("text/html"), path);
                assertTrue(page.body().contains("<title>WebSocket Relay Test</title>"), path);
                assertTrue(page.body().contains("'/ws/relay/'"), "joins /ws/relay/ of the page's own host");
                assertTrue(!page.body().contains("http://") && !page.body().contains("https://"), "no CDN or external resource");
            }
        }
    }

    @Test
    void twoBrowserTabsSeeWhatEitherSends() throws Exception {
        assumeTrue(HeadlessChromium.isInstalled(), "chromium not installed at " + HeadlessChromium.BINARY);
        try (TestServer server = TestServer.start();
             HeadlessChromium browser = new HeadlessChromium();
             TestClient observer = TestClient.connect(server.uri("/ws/relay/"))) {
            String url = server.http("/websocket-relay-test/").toString();
            HeadlessChromium.Tab first = browser.open(url);
            HeadlessChromium.Tab second = browser.open(url);
            for (HeadlessChromium.Tab tab : new HeadlessChromium.Tab[] {first, second}) {
                tab.await("the page to connect", STATUS, "Connected"::equals);
                assertEquals("WebSocket Relay Test", tab.eval("document.title"));
            }
            BroadcastEndpoint broadcast = (BroadcastEndpoint) server.server().protocol("broadcast");
            TestClient.await("both tabs and the observer in the group", () -> broadcast.members() == 3);

            send(first, "hello from the first tab");
            for (HeadlessChromium.Tab tab : new HeadlessChromium.Tab[] {first, second}) {
                tab.await("the message in every tab", MESSAGES, v -> String.valueOf(v).contains("hello from the first tab"));
            }
            assertEquals("hello from the first tab", observer.nextText(), "sent verbatim as the input's text");

            send(second, "and back from the second");
            for (HeadlessChromium.Tab tab : new HeadlessChromium.Tab[] {first, second}) {
                tab.await("the reply in every tab", MESSAGES, v -> String.valueOf(v).contains("and back from the second"));
            }
            assertEquals("", first.eval("document.getElementById('message').value"), "the input is cleared after Send");

            observer.send("{\"type\":\"message\",\"text\":\"from a script\"}");
            second.await("a message from a non-browser member", MESSAGES, v -> String.valueOf(v).contains("from a script"));
        }
    }

    /** Types into the input box and clicks Send, as a user would. */
    private static void send(HeadlessChromium.Tab tab, String text) throws Exception {
        tab.eval("(() => { const input = document.getElementById('message'); input.value = " + quote(text)
                + "; document.getElementById('send').click(); return true; })()");
    }

    private static String quote(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
