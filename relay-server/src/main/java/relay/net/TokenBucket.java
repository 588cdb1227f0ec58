package relay.net;

/**
 * A token bucket (rate per second, burst of one second's worth) for one connection's inbound traffic.
 * Used only by the connection's reader thread, so it needs no synchronization; refills lazily from the
 * injected clock on each take.
 */
final class TokenBucket {
    private final long ratePerSecond;
    private double tokens;
    private long lastNs;

    TokenBucket(long ratePerSecond, long nowNs) {
        this.ratePerSecond = ratePerSecond;
        this.tokens = ratePerSecond;
        this.lastNs = nowNs;
    }

    /** Takes {@code amount} tokens if the bucket holds them; false means the sender is over its rate. */
    boolean tryTake(long amount, long nowNs) {
        long elapsed = nowNs - lastNs;
        if (elapsed > 0) {
            tokens = Math.min(ratePerSecond, tokens + elapsed * (ratePerSecond / 1e9));
            lastNs = nowNs;
        }
        if (tokens < amount) {
            return false;
        }
        tokens -= amount;
        return true;
    }
}
