package relay.net;

import java.util.concurrent.ScheduledExecutorService;
import relay.config.Limits;
import relay.metrics.Metrics;

/** What every connection of one server shares: limits, counters, the live-connection set, buffers, time. */
public record NetContext(
        Limits limits,
        Metrics metrics,
        ConnectionRegistry connections,
        WriteBufferPool writeBuffers,
        NanoClock clock,
        ScheduledExecutorService scheduler,
        AdmissionControl admission,
        IdleParker parker) {
}
