package relay.loadgen.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * What a local process holds, read from Linux's {@code /proc/<pid>}: resident memory ({@code VmRSS} in
 * {@code status}), open file descriptors (entries of {@code fd/}) and OS threads ({@code Threads} in
 * {@code status}; virtual threads are not counted, only their carriers and the platform threads). And the
 * soak's verdict on a series of samples: did each stay flat?
 */
public final class ProcessResources {
    /** One reading; {@code atNs} is the sampler's {@code System.nanoTime()}. */
    public record Sample(long atNs, long rssKb, long fds, long threads) {}

    /**
     * Flatness of one resource: the mean of the last quarter of the samples against the mean of the second
     * quarter (the first quarter is left out: heaps, pools and caches fill while a process warms up). It is
     * flat when the last quarter's mean is at most {@code tolerancePercent} above the second's, plus a small
     * absolute {@code slack} (a few descriptors of connections in flight, a carrier thread more or less).
     */
    public record Trend(String name, String unit, long first, long middle, long last, double secondQuarterMean,
                        double lastQuarterMean, boolean flat) {
        public double changePercent() {
            return secondQuarterMean == 0 ? 0 : (lastQuarterMean - secondQuarterMean) * 100 / secondQuarterMean;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "start %d, middle %d, end %d %s; quarter 2 mean %.1f, quarter 4 mean %.1f (%+.1f%%): %s",
                    first, middle, last, unit, secondQuarterMean, lastQuarterMean, changePercent(),
                    flat ? "flat" : "GREW");
        }
    }

    /** Descriptors that may come and go with connections being opened and closed at the moment of a sample. */
    public static final long FD_SLACK = 64;
    /** Carrier threads (one per core) and the JVM's compiler and GC threads come and go a little. */
    public static final long THREAD_SLACK = 8;
    /** Samples needed to compare quarters. */
    public static final int MIN_SAMPLES = 8;

    private final long pid;

    public ProcessResources(long pid) {
        this.pid = pid;
    }

    public long pid() {
        return pid;
    }

    /** Reads the process's resources now; throws if it is gone or /proc cannot be read. */
    public Sample read() throws IOException {
        Path dir = Path.of("/proc", Long.toString(pid));
        long rss = -1;
        long threads = -1;
        for (String line : Files.readAllLines(dir.resolve("status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
            } else if (line.startsWith("Threads:")) {
                threads = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        long fds;
        try (Stream<Path> entries = Files.list(dir.resolve("fd"))) {
            fds = entries.count();
        }
        return new Sample(System.nanoTime(), rss, fds, threads);
    }

    /**
     * The CPU time in a {@code /proc/<pid>/stat} or {@code /proc/<pid>/task/<tid>/stat} line: utime + stime
     * (fields 14 and 15), in clock ticks (100 a second on Linux, USER_HZ). The fields are counted from the
     * last ')', since the name before it may hold spaces and parentheses.
     */
    static long cpuTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** The three trends of a run's samples, or an empty list when there are fewer than {@link #MIN_SAMPLES}. */
    public static List<Trend> trends(List<Sample> samples, double tolerancePercent) {
        if (samples.size() < MIN_SAMPLES) {
            return List.of();
        }
        return List.of(
                trend("rss", "kB", samples, Sample::rssKb, tolerancePercent, 0),
                trend("fds", "", samples, Sample::fds, tolerancePercent, FD_SLACK),
                trend("threads", "", samples, Sample::threads, tolerancePercent, THREAD_SLACK));
    }

    static Trend trend(String name, String unit, List<Sample> samples, ToLongFunction<Sample> value,
                       double tolerancePercent, long slack) {
        int n = samples.size();
        double second = mean(samples.subList(n / 4, n / 2), value);
        double last = mean(samples.subList(3 * n / 4, n), value);
        boolean flat = last <= second * (1 + tolerancePercent / 100) + slack;
        return new Trend(name, unit, value.applyAsLong(samples.get(0)), value.applyAsLong(samples.get(n / 2)),
                value.applyAsLong(samples.get(n - 1)), second, last, flat);
    }

    private static double mean(List<Sample> samples, ToLongFunction<Sample> value) {
        return samples.stream().mapToLong(value).average().orElse(0);
    }
}
