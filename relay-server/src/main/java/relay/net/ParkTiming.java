package relay.net;

/**
 * When one connection's reader should watch for idleness and how long it waits before parking: the
 * configured idle-park time, backed off while the connection keeps writing, and stretched for a connection
 * that is resumed soon after each park. Owned by the connection's reader; pure arithmetic, no I/O.
 */
final class ParkTiming {
    /**
     * A connection whose reads come at least this far apart (or the park time, if shorter) reads with the
     * park time as a timeout, so that it notices when it has gone idle; a busier one reads without, since
     * every timed wait of a virtual thread arms and cancels a timer.
     */
    static final long QUIET_GAP_NS = 1_000_000_000L;
    /**
     * The first reads of a new or resumed thread are timed whatever their gaps, so that a client that says a
     * few things at once and then only listens (logs in to a room) parks after one park time; untimed, its
     * reader would wait for the next keep-alive first.
     */
    static final int TIMED_FIRST_READS = 4;
    /** Failed park attempts (the writer was busy) back off up to 2^4 = 16 times the park time. */
    static final int MAX_BACKOFF_SHIFT = 4;
    /** A resume within this many park times of a timed park counts as soon. */
    static final int SOON_FACTOR = 4;
    /** A connection's park time grows to at most this many times the configured one. */
    static final int MAX_STRETCH = 16;
    /**
     * This many reads in a row, each at least twice the parker's in-place gap after the one before, show a
     * client slow enough for the parker to route its messages: the connection parks again at once. Twice,
     * so that a client near the limit does not go back and forth.
     */
    static final int SLOW_READS_TO_PARK = 4;

    private final long configuredNs;
    /** Gaps at least this long count as slow; Long.MAX_VALUE when the parker routes nothing itself. */
    private final long slowGapNs;
    private int slowReads;
    private long parkAfterNs;
    private long parkedAtNs;
    private boolean parkedOnTimeout;
    private int failedParks;
    private int reads;

    /** A timing for a parker that routes no messages itself. */
    ParkTiming(long configuredNs) {
        this(configuredNs, Long.MAX_VALUE);
    }

    /**
     * @param configuredNs the server's idle-park time; 0 turns parking off
     * @param inPlaceGapNs the shortest gap between messages the parker routes itself, Long.MAX_VALUE for none
     */
    ParkTiming(long configuredNs, long inPlaceGapNs) {
        this.configuredNs = configuredNs;
        this.parkAfterNs = configuredNs;
        this.slowGapNs = configuredNs > 0 && inPlaceGapNs < Long.MAX_VALUE / 2 ? 2 * inPlaceGapNs : Long.MAX_VALUE;
    }

    boolean enabled() {
        return parkAfterNs > 0;
    }

    /** This connection's park time: the configured one, or more if it was resumed soon after parking. */
    long parkAfterNs() {
        return parkAfterNs;
    }

    /**
     * Called after each read, with the gap since the one before: whether the next read should time out after
     * {@link #readTimeoutNs}, to notice that the client has gone silent.
     */
    boolean timeNextRead(long gapNs) {
        if (!enabled()) {
            return false;
        }
        reads = Math.min(reads + 1, TIMED_FIRST_READS + 1);
        return reads <= TIMED_FIRST_READS || gapNs >= Math.min(QUIET_GAP_NS, parkAfterNs);
    }

    /**
     * Called after each read, with the gap since the one before: whether the client has been slow for
     * {@link #SLOW_READS_TO_PARK} reads, so that the connection should park now and have the parker route
     * its messages.
     */
    boolean slowEnoughToPark(long gapNs) {
        slowReads = gapNs >= slowGapNs ? Math.min(slowReads + 1, SLOW_READS_TO_PARK) : 0;
        return slowReads >= SLOW_READS_TO_PARK;
    }

    /** The timeout of the next timed read: the park time, doubled for each park the busy writer prevented. */
    long readTimeoutNs() {
        return parkAfterNs << failedParks;
    }

    /** A timed read ran out but the connection could not park (it is writing). */
    void parkFailed() {
        failedParks = Math.min(failedParks + 1, MAX_BACKOFF_SHIFT);
    }

    /** The connection parked: at once after its upgrade, or after a timed read ran out. */
    void parked(long nowNs, boolean afterTimeout) {
        parkedAtNs = nowNs;
        parkedOnTimeout = afterTimeout;
    }

    /**
     * The connection resumed. One that parked on a timeout and comes back within {@link #SOON_FACTOR} park
     * times (a client reporting every few seconds) would pay a park and a resume, about 100 µs of CPU, for
     * each message, so its park time doubles, up to {@link #MAX_STRETCH} times the configured one.
     */
    void resumed(long nowNs) {
        if (parkedOnTimeout && nowNs - parkedAtNs < SOON_FACTOR * parkAfterNs) {
            parkAfterNs = Math.min(parkAfterNs * 2, configuredNs * MAX_STRETCH);
        }
        parkedOnTimeout = false;
        failedParks = 0;
        reads = 0;
        slowReads = 0;
    }
}
