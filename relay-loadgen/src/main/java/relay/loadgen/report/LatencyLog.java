package relay.loadgen.report;

import java.io.FileNotFoundException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.HdrHistogram.Recorder;

/**
 * The latency record of one run, kept the way HdrHistogram intends: one {@link Recorder} per series (values
 * in nanoseconds), recorded into by any loop thread without locks or allocation, and swapped each second
 * by {@link #tick} for an interval histogram that is written to the {@code .hlog} and then recycled.
 *
 * <p>The {@code .hlog} is HdrHistogram's interval log format (readable by {@code HistogramLogReader},
 * HdrHistogram's plotter and {@code ./relay loadgen compare}):
 * <pre>
 *   #[label: relay carparty 10x50]          our comment: the run's label
 *   #[config: {"scenario":"carparty",...}]   our comment: the whole configuration as one JSON line
 *   #[Histogram log format version 1.3]
 *   #[StartTime: 1764000000.000 (seconds since epoch), ...]
 *   #[BaseTime: ...]
 *   "StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"
 *   Tag=broadcast,1.000,1.000,0.870,HISTFAAAA...   one line per series per second; max in ms
 * </pre>
 * Only intervals after the warm-up are written; the summary is computed by reading the file back
 * ({@link RunSummary#read}), so nothing is kept twice. A cumulative copy is kept only for the progress line.
 *
 * <p>Values from the warm-up are recorded too, into a second recorder per series whose intervals are
 * encoded into nothing: recording, swapping and encoding run the same code in both phases, so the JIT has
 * compiled it before the first measured second. (When the warm-up skipped recording, the measured path
 * was first taken when the measurement began, and the generator's deoptimisation and recompiling showed
 * as a p99 of 3-5 ms in the first two or three measured seconds of every server's run.)
 */
public final class LatencyLog implements AutoCloseable {
    /** Anything slower than a minute is clamped to a minute (and is an error in any scenario). */
    public static final long HIGHEST_TRACKABLE_NS = 60_000_000_000L;
    public static final int SIGNIFICANT_DIGITS = 3;
    /** Values are nanoseconds; the log's max column and the .hgrm files are in milliseconds. */
    public static final double NS_PER_MS = 1_000_000.0;

    private final List<String> series;
    private final Recorder[] recorders;
    private final Histogram[] recycled;
    private final Histogram[] cumulative;
    private final PrintStream file;
    private final HistogramLogWriter writer;
    private final HistogramLogWriter discard = new HistogramLogWriter(new PrintStream(OutputStream.nullOutputStream()));
    private final long startEpochMs;
    private long lastTickEpochMs;

    public LatencyLog(Path hlog, List<String> series, String label, String configJson, long startEpochMs)
            throws FileNotFoundException {
        this.series = List.copyOf(series);
        int n = series.size();
        this.recorders = new Recorder[2 * n]; // measured, then warm-up
        this.recycled = new Histogram[2 * n];
        this.cumulative = new Histogram[n];
        for (int i = 0; i < 2 * n; i++) {
            recorders[i] = new Recorder(1, HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
        }
        for (int i = 0; i < n; i++) {
            cumulative[i] = new Histogram(1, HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
        }
        this.file = new PrintStream(hlog.toFile());
        this.writer = new HistogramLogWriter(file);
        this.startEpochMs = startEpochMs;
        this.lastTickEpochMs = startEpochMs;
        writer.outputComment("[label: " + label.replace('\n', ' ') + "]");
        writer.outputComment("[config: " + configJson + "]");
        writer.outputLogFormatVersion();
        writer.outputStartTime(startEpochMs);
        writer.setBaseTime(startEpochMs);
        writer.outputBaseTime(startEpochMs);
        writer.outputLegend();
    }

    public List<String> series() {
        return series;
    }

    public int index(String name) {
        int i = series.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no series " + name);
        }
        return i;
    }

    /** Records one measured value in nanoseconds; any thread, allocation-free. */
    public void record(int seriesIndex, long valueNs) {
        record(seriesIndex, valueNs, 0);
    }

    /**
     * Records one value in nanoseconds, measured ({@code warmup} 0) or from the warm-up (1, never written).
     * The phase picks the recorder by index, not by a branch, so both phases run the same instructions.
     */
    public void record(int seriesIndex, long valueNs, int warmup) {
        recorders[warmup * series.size() + seriesIndex]
                .recordValue(valueNs < 0 ? 0 : Math.min(valueNs, HIGHEST_TRACKABLE_NS));
    }

    /**
     * Ends the current interval of every series: written to the log when {@code write} (after the warm-up),
     * encoded into nothing otherwise, as the warm-up recorders' intervals always are. Called by one
     * reporting thread.
     */
    public synchronized void tick(boolean write) {
        long nowMs = System.currentTimeMillis();
        int n = series.size();
        for (int i = 0; i < recorders.length; i++) {
            Histogram interval = (Histogram) recorders[i].getIntervalHistogram(recycled[i]);
            recycled[i] = interval;
            boolean kept = write && i < n;
            interval.setStartTimeStamp(lastTickEpochMs);
            interval.setEndTimeStamp(nowMs);
            interval.setTag(series.get(i % n));
            (kept ? writer : discard).outputIntervalHistogram((lastTickEpochMs - startEpochMs) / 1000.0,
                    (nowMs - startEpochMs) / 1000.0, interval, NS_PER_MS);
            if (kept) {
                cumulative[i].add(interval);
            }
        }
        lastTickEpochMs = nowMs;
    }

    /** The measured histogram so far (for the progress line only); reporting thread. */
    public synchronized Histogram cumulative(int seriesIndex) {
        return cumulative[seriesIndex];
    }

    @Override
    public synchronized void close() {
        file.flush();
        file.close();
    }
}
