package relay.metrics;

import java.util.concurrent.atomic.LongAdder;

/** Traffic counters of one protocol (or "auto" for connections not yet bound); updated lock-free from any thread. */
public final class ProtocolCounters {
    public final String protocol;
    public final LongAdder open = new LongAdder();
    public final LongAdder messagesIn = new LongAdder();
    public final LongAdder bytesIn = new LongAdder();
    public final LongAdder messagesOut = new LongAdder();
    public final LongAdder bytesOut = new LongAdder();

    ProtocolCounters(String protocol) {
        this.protocol = protocol;
    }
}
