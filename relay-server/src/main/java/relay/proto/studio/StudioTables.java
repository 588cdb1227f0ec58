package relay.proto.studio;

import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import relay.json.Timestamps;

/**
 * Every table's status by table id, created on first use and kept for the server's life (as the original).
 * Thread-safe: connections of any table and the HTTP API use it at once.
 */
public final class StudioTables {
    private final ConcurrentHashMap<String, TableStatus> tables = new ConcurrentHashMap<>();
    private final Clock clock;
    /** Shares every table with the other nodes of a cluster; null on a single node. */
    private volatile StudioCluster cluster;

    public StudioTables(Clock clock) {
        this.clock = clock;
    }

    TableStatus getOrCreate(String tableId) {
        TableStatus table = getOrCreateLocal(tableId);
        StudioCluster shared = cluster;
        if (shared != null) {
            shared.load(table);
        }
        return table;
    }

    /** The local copy of a table, created with the default status if this node has not seen it. */
    TableStatus getOrCreateLocal(String tableId) {
        return tables.computeIfAbsent(tableId, id -> new TableStatus(id, Timestamps.now(clock)));
    }

    /** Applies a client's update, to the status every node shares when clustered (else, or if Redis is down, locally). */
    void update(TableStatus table, Map<?, ?> update) {
        StudioCluster shared = cluster;
        String now = now();
        if (shared == null || !shared.apply(table, update, now)) {
            table.apply(update, now);
        }
    }

    void shareWith(StudioCluster shared) {
        this.cluster = shared;
    }

    /** The table's status, or null if no client has used it yet. */
    public TableStatus get(String tableId) {
        return tables.get(tableId);
    }

    /** Every table's status snapshot, by table id in sorted order. */
    public Map<String, Map<String, Object>> snapshot() {
        Map<String, Map<String, Object>> all = new TreeMap<>();
        tables.forEach((id, status) -> all.put(id, status.snapshot()));
        return all;
    }

    String now() {
        return Timestamps.now(clock);
    }
}
