package relay.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import relay.Server;
import relay.config.RelayConfig;

/** Two short echo runs, compared: the table on stdout and the HTML page, rendered in headless Chromium. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CompareCommandIT {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static Server server;
    @TempDir
    static Path dir;
    static Path fast;
    static Path slow;

    @BeforeAll
    static void twoRuns() throws Exception {
        server = new Server(RelayConfig.of("127.0.0.1", 0)).start();
        String url = "ws://127.0.0.1:" + server.port();
        fast = dir.resolve("small");
        slow = dir.resolve("large");
        assertEquals(0, LoadgenTestSupport.run("echo", "--url", url, "-c", "2", "-r", "100", "-s", "64", "-d", "1s",
                "--warmup", "200ms", "--out", fast.toString(), "--quiet").exitCode());
        assertEquals(0, LoadgenTestSupport.run("echo", "--url", url, "-c", "2", "-r", "100", "-s", "8192", "-d", "1s",
                "--warmup", "200ms", "--out", slow.toString(), "--quiet", "--label", "echo 8 KiB").exitCode());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void printsOneRowPerRunAndWritesASelfContainedPage() throws Exception {
        Path html = dir.resolve("page.html");
        var result = LoadgenTestSupport.run("compare", "64B=" + fast.resolve("echo.hlog"), slow.resolve("echo.hlog").toString(),
                "--html", html.toString());

        assertEquals(0, result.exitCode());
        String table = result.stdout();
        assertTrue(table.contains("series echo"), table);
        assertTrue(Pattern.compile("(?m)^64B\\s+\\d").matcher(table).find(), table);
        assertTrue(Pattern.compile("(?m)^echo 8 KiB\\s+\\d").matcher(table).find(), "label from the hlog: " + table);
        String page = Files.readString(html);
        assertTrue(page.contains("\"label\":\"64B\"") && page.contains("\"label\":\"echo 8 KiB\""));
        assertTrue(!page.contains("http://") || page.indexOf("http://") == page.indexOf("http://www.w3.org/2000/svg"),
                "no network references");
    }

    @Test
    void chromiumRendersOneLineAndOneLegendEntryPerRun() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "chromium is not installed");
        Path html = dir.resolve("rendered.html");
        LoadgenTestSupport.run("compare", "64B=" + fast.resolve("echo.hlog"), "8KiB=" + slow.resolve("echo.hlog"),
                "--html", html.toString());
        Path profile = Files.createTempDirectory(dir, "chromium");
        Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--user-data-dir=" + profile, "--dump-dom",
                html.toUri().toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] dom = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(45, TimeUnit.SECONDS), "chromium finished");
        String rendered = new String(dom, StandardCharsets.UTF_8);

        List<String> lines = matches(rendered, "<polyline[^>]*class=\"run-line\"[^>]*data-label=\"([^\"]*)\"");
        assertEquals(List.of("64B", "8KiB"), lines, "one line per run, drawn by the page's script");
        List<String> legend = matches(rendered, "<text[^>]*class=\"legend-label\"[^>]*>([^<]*)<");
        assertEquals(List.of("64B", "8KiB"), legend);
        List<String> ticks = matches(rendered, "<text[^>]*class=\"x-tick\"[^>]*>([^<]*)<");
        assertTrue(ticks.containsAll(List.of("0%", "90%", "99%", "99.9%")), "percentile ticks: " + ticks);
        for (String points : matches(rendered, "<polyline[^>]*points=\"([^\"]*)\"")) {
            assertTrue(points.split(" ").length > 10, "a distribution, not a stub: " + points);
        }
    }

    private static List<String> matches(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
