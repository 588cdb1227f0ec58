package relay.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus-style cumulative histogram with fixed bucket bounds, recorded allocation-free from many
 * threads (one LongAdder per bucket). For the routing latency of every message, where an HdrHistogram
 * Recorder per thread would mean per-thread state on millions of virtual threads.
 */
public final class LatencyHistogram {
    /** Upper bounds in microseconds: routing is expected in single-digit microseconds, alarming above a millisecond. */
    static final long[] BOUNDS_US = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 50_000};

    private final LongAdder[] buckets = new LongAdder[BOUNDS_US.length + 1];
    private final LongAdder sumNs = new LongAdder();

    public LatencyHistogram() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    public void recordNs(long ns) {
        long us = ns / 1000;
        int i = 0;
        while (i < BOUNDS_US.length && us >= BOUNDS_US[i]) {
            i++;
        }
        buckets[i].increment();
        sumNs.add(ns);
    }

    /** How many values were recorded. */
    public long count() {
        long total = 0;
        for (LongAdder bucket : buckets) {
            total += bucket.sum();
        }
        return total;
    }

    /** Renders the histogram in the Prometheus text format, bounds in seconds. */
    public void render(StringBuilder out, String name, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" histogram\n");
        long cumulative = 0;
        for (int i = 0; i < BOUNDS_US.length; i++) {
            cumulative += buckets[i].sum();
            out.append(name).append("_bucket{le=\"").append(BOUNDS_US[i] / 1e6).append("\"} ").append(cumulative).append('\n');
        }
        cumulative += buckets[BOUNDS_US.length].sum();
        out.append(name).append("_bucket{le=\"+Inf\"} ").append(cumulative).append('\n');
        out.append(name).append("_sum ").append(sumNs.sum() / 1e9).append('\n');
        out.append(name).append("_count ").append(cumulative).append('\n');
    }
}
