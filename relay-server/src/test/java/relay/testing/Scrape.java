package relay.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.TreeMap;

/** One read of a relay's {@code /metrics} page, as a monitoring system scrapes it, with lookups by series. */
public record Scrape(String page) {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** GETs {@code metricsUri} (an in-process server's {@code server.http("/metrics")} or a process's). */
    public static Scrape of(URI metricsUri) {
        try {
            return new Scrape(HTTP.send(HttpRequest.newBuilder(metricsUri).build(), HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("GET " + metricsUri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during GET " + metricsUri, e);
        }
    }

    /** The value of one series written in full ({@code relay_frames_out_total}, {@code name{label="v"}}); 0 if absent. */
    public long value(String series) {
        for (String line : page.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Long.parseLong(line.substring(series.length() + 1));
            }
        }
        return 0;
    }

    /** Every labelled series of one family, keyed by its labels as written ({@code code="1008"}). */
    public Map<String, Long> family(String name) {
        Map<String, Long> found = new TreeMap<>();
        for (String line : page.split("\n")) {
            if (line.startsWith(name + "{")) {
                int space = line.lastIndexOf(' ');
                found.put(line.substring(name.length() + 1, line.lastIndexOf('}', space)), Long.parseLong(line.substring(space + 1)));
            }
        }
        return found;
    }
}
