package relay.net;

import java.util.List;
import java.util.function.Consumer;

/**
 * Hands work that wakes virtual threads, collected on a platform thread (the sweeper's Pings, the idle
 * parker's writer wake-ups), to one new virtual thread. A virtual thread unparked or started from a platform
 * thread is queued outside its carrier's own queue, and a busy carrier serves that queue one task per round
 * of its local queue: at saturation such wakes waited 100-200 ms, and every frame for those writers with
 * them (docs/performance.md, "Keep-alive Pings at saturation"). Woken from a virtual thread, a writer is
 * queued like the ones senders wake.
 */
final class VirtualThreadBatch {
    private VirtualThreadBatch() {}

    /** Runs {@code action} on everything in {@code pending} from one new virtual thread, and empties it. */
    static <T> void drain(String threadName, List<T> pending, Consumer<T> action) {
        if (pending.isEmpty()) {
            return;
        }
        List<T> batch = List.copyOf(pending);
        pending.clear();
        Thread.ofVirtual().name(threadName).start(() -> batch.forEach(action));
    }
}
