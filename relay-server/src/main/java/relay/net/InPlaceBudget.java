package relay.net;

/**
 * How much of its time the {@link IdleParker}'s one thread may spend routing parked connections' messages
 * itself: at most {@link #BUDGET_NS} of every {@link #WINDOW_NS}. Past it, connections with a message are
 * resumed onto their own reader threads, so that a busy server spreads the work over its carriers instead
 * of queueing it behind one thread, and readers stop parking for the sake of in-place routing until the
 * next window. Used by the parker's thread; {@link #isFull} may be read from any thread.
 */
final class InPlaceBudget {
    static final long WINDOW_NS = 100_000_000L;
    static final long BUDGET_NS = 50_000_000L;

    private long windowStartNs;
    private long spentNs;
    private volatile boolean full;

    InPlaceBudget(long nowNs) {
        this.windowStartNs = nowNs;
    }

    /** Whether routing may go on at {@code nowNs}; a new window starts with nothing spent. */
    boolean hasRoom(long nowNs) {
        if (nowNs - windowStartNs >= WINDOW_NS) {
            windowStartNs = nowNs;
            spentNs = 0;
            full = false;
        }
        return !full;
    }

    /** Counts time spent routing in the current window. */
    void spend(long ns) {
        spentNs += ns;
        if (spentNs >= BUDGET_NS && !full) {
            full = true;
        }
    }

    /** Whether this window's budget is spent. */
    boolean isFull() {
        return full;
    }
}
