package relay.http;

import relay.metrics.Metrics;
import relay.net.ConnectionRegistry;
import relay.net.IdleParker;
import relay.ws.HttpResponse;

/** {@code GET /metrics} in the Prometheus text exposition format (version 0.0.4). */
public final class MetricsPage {
    private final Metrics metrics;
    private final ConnectionRegistry connections;
    private final IdleParker parker;

    public MetricsPage(Metrics metrics, ConnectionRegistry connections, IdleParker parker) {
        this.metrics = metrics;
        this.connections = connections;
        this.parker = parker;
    }

    public HttpResponse render() {
        StringBuilder out = new StringBuilder(2048);
        gauge(out, "relay_connections_open", "WebSocket connections currently open", metrics.connectionsOpen.sum());
        gauge(out, "relay_connections_parked", "idle connections waiting without a thread (--idle-park-ms)",
                parker.parkedCount());
        counter(out, "relay_connections_resumed_total",
                "parked connections given a thread again (data in, a full send buffer or a long queue, or closed)",
                parker.resumedCount());
        counter(out, "relay_parked_writes_total", "batches of frames the idle parker wrote to parked connections",
                parker.batchesWrittenCount());
        counter(out, "relay_parked_reads_routed_total",
                "reads of parked connections whose messages the idle parker routed itself (--parked-messages-per-second)",
                parker.routedInPlaceCount());
        gauge(out, "relay_sockets_live", "accepted sockets not yet released, including handshakes", connections.size());
        counter(out, "relay_connections_accepted_total", "TCP connections accepted", metrics.connectionsAccepted.sum());
        counter(out, "relay_messages_in_total", "WebSocket messages received", metrics.messagesIn());
        counter(out, "relay_bytes_in_total", "payload bytes received", metrics.bytesIn());
        counter(out, "relay_frames_out_total", "frames written", metrics.framesOut.sum());
        counter(out, "relay_bytes_out_total", "bytes written", metrics.bytesOut.sum());
        counter(out, "relay_queue_overflows_total", "peers closed with 1013 because their outbound queue was full",
                metrics.queueOverflows.sum());
        counter(out, "relay_rate_limited_total", "connections closed with 1008 for exceeding a rate limit", metrics.rateLimited.sum());
        labelled(out, "relay_connections", "gauge", "open WebSocket connections by protocol (auto: not yet bound)",
                "protocol", metrics.protocols(), c -> c.open.sum());
        labelled(out, "relay_protocol_messages_in_total", "counter", "messages received by protocol",
                "protocol", metrics.protocols(), c -> c.messagesIn.sum());
        labelled(out, "relay_protocol_bytes_in_total", "counter", "payload bytes received by protocol",
                "protocol", metrics.protocols(), c -> c.bytesIn.sum());
        labelled(out, "relay_protocol_messages_out_total", "counter", "frames queued to peers by protocol",
                "protocol", metrics.protocols(), c -> c.messagesOut.sum());
        labelled(out, "relay_protocol_bytes_out_total", "counter", "frame bytes queued to peers by protocol",
                "protocol", metrics.protocols(), c -> c.bytesOut.sum());
        labelled(out, "relay_listener_connections", "gauge", "open WebSocket connections by listener",
                "listener", metrics.openByListener(), v -> v);
        metrics.routingLatency.render(out, "relay_routing_latency_seconds",
                "time from a complete inbound message to its delivery into every recipient's queue");
        if (metrics.cluster.enabled) {
            cluster(out, metrics.cluster);
        }
        out.append("# HELP relay_closes_total connections closed, by close code\n# TYPE relay_closes_total counter\n");
        metrics.closesByCode().forEach((code, n) ->
                out.append("relay_closes_total{code=\"").append(code).append("\"} ").append(n).append('\n'));
        out.append("# HELP relay_handshake_failures_total refused or failed handshakes, by reason\n")
                .append("# TYPE relay_handshake_failures_total counter\n");
        metrics.handshakeFailures().forEach((reason, n) ->
                out.append("relay_handshake_failures_total{reason=\"").append(reason).append("\"} ").append(n).append('\n'));
        out.append("# HELP relay_protocol_errors_total errors the protocols answered or closed with, by protocol and error\n")
                .append("# TYPE relay_protocol_errors_total counter\n");
        metrics.protocolErrors().forEach((key, n) -> {
            int slash = key.indexOf('/');
            out.append("relay_protocol_errors_total{protocol=\"").append(key, 0, slash).append("\",error=\"")
                    .append(key, slash + 1, key.length()).append("\"} ").append(n).append('\n');
        });
        return HttpResponse.of(200, "text/plain; version=0.0.4; charset=utf-8",
                out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static void cluster(StringBuilder out, relay.metrics.ClusterCounters c) {
        gauge(out, "relay_cluster_link_up", "1 while both Redis connections (publish, subscribe) are up", c.linkUp);
        gauge(out, "relay_cluster_peers", "other relay nodes heard from within the node timeout", c.peers);
        counter(out, "relay_cluster_messages_out_total", "envelopes published to other nodes", c.messagesOut.sum());
        counter(out, "relay_cluster_bytes_out_total", "envelope bytes published", c.bytesOut.sum());
        counter(out, "relay_cluster_messages_in_total", "envelopes received from other nodes", c.messagesIn.sum());
        counter(out, "relay_cluster_bytes_in_total", "envelope bytes received", c.bytesIn.sum());
        out.append("# HELP relay_cluster_drops_total cross-node envelopes not delivered, by reason\n")
                .append("# TYPE relay_cluster_drops_total counter\n")
                .append("relay_cluster_drops_total{reason=\"queue_full\"} ").append(c.dropsQueueFull.sum()).append('\n')
                .append("relay_cluster_drops_total{reason=\"link_down\"} ").append(c.dropsLinkDown.sum()).append('\n')
                .append("relay_cluster_drops_total{reason=\"undeliverable\"} ").append(c.dropsUndeliverable.sum()).append('\n');
        counter(out, "relay_cluster_reconnects_total", "times the Redis link came back after failing", c.reconnects.sum());
        counter(out, "relay_cluster_nodes_lost_total", "peers that left or went silent", c.nodesLost.sum());
        c.redisLatency.render(out, "relay_cluster_redis_latency_seconds",
                "Redis round trips: pipelined publish batches and ownership commands");
    }

    private static <T> void labelled(StringBuilder out, String name, String type, String help, String label,
                                     java.util.Map<String, T> values, java.util.function.ToLongFunction<T> value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n');
        values.forEach((key, v) -> out.append(name).append('{').append(label).append("=\"").append(key).append("\"} ")
                .append(value.applyAsLong(v)).append('\n'));
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" gauge\n").append(name).append(' ').append(value).append('\n');
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n").append(name).append(' ').append(value).append('\n');
    }
}
