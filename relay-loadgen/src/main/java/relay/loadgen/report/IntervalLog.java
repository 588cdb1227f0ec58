package relay.loadgen.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    /** Every interval of every series, in the order written; untagged histograms are series "latency". */
    static List<Interval> read(Path hlog) throws IOException {
        List<Interval> intervals = new ArrayList<>();
        try (HistogramLogReader reader = new HistogramLogReader(hlog.toFile())) {
            EncodableHistogram read;
            while ((read = reader.nextIntervalHistogram()) != null) {
                Histogram h = (Histogram) read;
                intervals.add(new Interval(h.getTag() == null ? "latency" : h.getTag(),
                        h.getStartTimeStamp() / 1000.0 - reader.getStartTimeSec(), h));
            }
        }
        return intervals;
    }

    /** How many intervals of {@code series} had a delivery slower than {@code overMs}: a run's stalled seconds. */
    static int countOver(List<Interval> intervals, String series, double overMs) {
        int n = 0;
        for (Interval i : intervals) {
            if (i.series().equals(series) && i.histogram().getTotalCount() > 0 && i.maxMs() > overMs) {
                n++;
            }
        }
        return n;
    }
}
