package relay.net;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import relay.config.Admission;
import relay.ws.HttpResponse;

/**
 * Counts open sockets in all and per source address, and sockets still in their handshake, and refuses
 * new sockets over the {@link Admission} limits: 503 when the server is full, 429 when one address holds
 * too many. Thread-safe; a source address's entry disappears when its last socket goes.
 */
public final class AdmissionControl {
    private final Admission limits;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger handshaking = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    public AdmissionControl(Admission limits) {
        this.limits = limits;
    }

    public Admission limits() {
        return limits;
    }

    /**
     * Takes a slot for a new socket from {@code address}; returns null when admitted, otherwise the response
     * to refuse it with (and no slot is held).
     */
    HttpResponse admit(InetAddress address) {
        if (open.incrementAndGet() > limits.maxConnections()) {
            open.decrementAndGet();
            return HttpResponse.text(503, "server full: too many connections").withHeader("Retry-After", "5");
        }
        if (handshaking.incrementAndGet() > limits.maxHandshakesInFlight()) {
            handshaking.decrementAndGet();
            open.decrementAndGet();
            return HttpResponse.text(503, "server busy: too many handshakes in progress").withHeader("Retry-After", "1");
        }
        if (limits.maxConnectionsPerIp() > 0) {
            AtomicInteger count = perAddress.computeIfAbsent(address, a -> new AtomicInteger());
            if (count.incrementAndGet() > limits.maxConnectionsPerIp()) {
                releaseAddress(address);
                handshaking.decrementAndGet();
                open.decrementAndGet();
                return HttpResponse.text(429, "too many connections from your address").withHeader("Retry-After", "5");
            }
        }
        return null;
    }

    /** The socket finished (or abandoned) its handshake. */
    void handshakeEnded() {
        handshaking.decrementAndGet();
    }

    /** The socket is gone. */
    void release(InetAddress address) {
        open.decrementAndGet();
        if (limits.maxConnectionsPerIp() > 0) {
            releaseAddress(address);
        }
    }

    private void releaseAddress(InetAddress address) {
        perAddress.computeIfPresent(address, (a, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    public int open() {
        return open.get();
    }

    public int handshaking() {
        return handshaking.get();
    }

    public int trackedAddresses() {
        return perAddress.size();
    }
}
