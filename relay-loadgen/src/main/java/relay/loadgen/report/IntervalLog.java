package relay.loadgen.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * One run's interval log (the {@code .hlog} the load generator writes next to its {@code summary.json}):
 * a histogram per series per measured second, each with when it started.
 */
final class IntervalLog {
    /** One series' histogram of one interval, {@code second} after the generator started. */
    record Interval(String series, double second, Histogram histogram) {
        double maxMs() {
            return histogram.getMaxValue() / LatencyLog.NS_PER_MS;
        }
    }

    private IntervalLog() {}

    /**
     * Hands every interval of every series to {@code action}, in the order written; untagged histograms are
     * series "latency". One at a time: a decoded interval is a full histogram, and a soak's log holds
     * thousands of them.
     */
    static void forEach(Path hlog, Consumer<Interval> action) throws IOException {
        try (HistogramLogReader reader = new HistogramLogReader(hlog.toFile())) {
            EncodableHistogram read;
            while ((read = reader.nextIntervalHistogram()) != null) {
                Histogram h = (Histogram) read;
                action.accept(new Interval(h.getTag() == null ? "latency" : h.getTag(),
                        h.getStartTimeStamp() / 1000.0 - reader.getStartTimeSec(), h));
            }
        }
    }

    /** How many intervals of {@code series} had a delivery slower than {@code overMs}: a run's stalled seconds. */
    static int countOver(Path hlog, String series, double overMs) throws IOException {
        int[] n = {0};
        forEach(hlog, i -> {
            if (i.series().equals(series) && i.maxMs() > overMs) {
                n[0]++;
            }
        });
        return n[0];
    }
}
