package relay.net;

/** Monotonic time in nanoseconds; injected so that timeouts can be tested without sleeping. */
@FunctionalInterface
public interface NanoClock {
    NanoClock SYSTEM = System::nanoTime;

    long nanoTime();
}
