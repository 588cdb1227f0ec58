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

    public StudioTables(Clock clock) {
        this.clock = clock;
    }

    TableStatus getOrCreate(String tableId) {
        return tables.computeIfAbsent(tableId, id -> new TableStatus(id, Timestamps.now(clock)));
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
