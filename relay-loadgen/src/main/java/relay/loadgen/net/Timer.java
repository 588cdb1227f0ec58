package relay.loadgen.net;

/**
 * A task due at a point on the {@link System#nanoTime()} clock, run by the {@link EventLoop} it was scheduled
 * on. A timer re-arms itself from {@link #fire} by scheduling again, so a paced sender costs no allocation per
 * tick. Owned by its loop's thread.
 */
public abstract class Timer {
    long dueNs;
    int heapIndex = -1;

    /** Runs on the loop thread at or after {@code dueNs}; {@code nowNs} is the loop's current time. */
    protected abstract void fire(long nowNs);

    public final boolean isScheduled() {
        return heapIndex >= 0;
    }
}
