package relay.proto.studio;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
import relay.json.Json;

/**
 * The status object of one table (protocols.md "studio"), shared by every connection of the table for the
 * server's life. Its keys keep the original's order, which clients display as is:
 *
 * <pre>
 * {"TABLE_ID":"ARO-001","UPTIME":0,"TIMESTAMP":T,"MAINTENANCE":false,"SDP":"standby","IDP":"standby",
 *  "BROKER":"down","ZCam":"down","ROULETTE":"down","SHAKER":"down","BARCODE_SCANNER":"down","NFC_SCANNER":"down"}
 * </pre>
 *
 * Any connection's reader thread may update it and the HTTP API may read it at the same time; a lock makes
 * each update (fields, UPTIME, TIMESTAMP) atomic and each snapshot consistent.
 */
public final class TableStatus {
    private static final Logger LOG = Logger.getLogger("relay.Studio");

    /** Update keys (lowercase, as clients send them) to status fields. */
    static final Map<String, String> FIELD_BY_KEY = Map.of(
            "sdp", "SDP", "idp", "IDP", "broker", "BROKER", "zcam", "ZCam", "roulette", "ROULETTE",
            "shaker", "SHAKER", "barcode_scanner", "BARCODE_SCANNER", "nfc_scanner", "NFC_SCANNER",
            "maintenance", "MAINTENANCE");
    /** Seed 001's service status values (SDP, IDP). */
    static final Set<String> SERVICE_VALUES = Set.of("up", "down", "standby", "calibration", "exception");
    /** Seed 001's device status values (the others). */
    static final Set<String> DEVICE_VALUES = Set.of("up", "down");

    private final String tableId;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<String, Object> fields = new LinkedHashMap<>();
    private long uptime;

    TableStatus(String tableId, String createdAt) {
        this.tableId = tableId;
        fields.put("TABLE_ID", tableId);
        fields.put("UPTIME", 0L);
        fields.put("TIMESTAMP", createdAt);
        fields.put("MAINTENANCE", false);
        fields.put("SDP", "standby");
        fields.put("IDP", "standby");
        fields.put("BROKER", "down");
        fields.put("ZCam", "down");
        fields.put("ROULETTE", "down");
        fields.put("SHAKER", "down");
        fields.put("BARCODE_SCANNER", "down");
        fields.put("NFC_SCANNER", "down");
    }

    public String tableId() {
        return tableId;
    }

    /**
     * Applies one update object: known lowercase keys set their field to the value as given (unknown keys
     * are ignored, unusual values logged), TIMESTAMP becomes {@code now} and UPTIME counts the update.
     */
    void apply(Map<?, ?> update, String now) {
        lock.lock();
        try {
            for (Map.Entry<?, ?> e : update.entrySet()) {
                String field = FIELD_BY_KEY.get(String.valueOf(e.getKey()));
                if (field != null) {
                    warnIfUnusual(field, e.getValue());
                    fields.put(field, e.getValue());
                }
            }
            uptime++;
            fields.put("UPTIME", uptime);
            fields.put("TIMESTAMP", now);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the status another node (or Redis) holds for this table: its known fields, in this object's key
     * order. Used when the status is shared by a cluster (docs/cluster.md).
     */
    void replace(Map<String, Object> shared) {
        lock.lock();
        try {
            for (Map.Entry<String, Object> e : shared.entrySet()) {
                if (fields.containsKey(e.getKey()) && !"TABLE_ID".equals(e.getKey())) {
                    fields.put(e.getKey(), e.getValue());
                }
            }
            if (shared.get("UPTIME") instanceof Number n) {
                uptime = n.longValue();
                fields.put("UPTIME", uptime);
            }
        } finally {
            lock.unlock();
        }
    }

    /** {@link #replace} unless this copy has already counted more updates (announcements may cross). */
    void replaceIfNewer(Map<String, Object> shared) {
        lock.lock();
        try {
            if (shared.get("UPTIME") instanceof Number n && n.longValue() >= uptime) {
                replace(shared);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A consistent copy, keys in order. */
    public Map<String, Object> snapshot() {
        lock.lock();
        try {
            return new LinkedHashMap<>(fields);
        } finally {
            lock.unlock();
        }
    }

    /** The snapshot as JSON (UTF-8), keys in order. */
    byte[] toJson() {
        return Json.write(snapshot());
    }

    void warnIfUnusual(String field, Object value) {
        boolean usual = switch (field) {
            case "MAINTENANCE" -> value instanceof Boolean;
            case "SDP", "IDP" -> value instanceof String s && SERVICE_VALUES.contains(s);
            default -> value instanceof String s && DEVICE_VALUES.contains(s);
        };
        if (!usual) {
            LOG.warning(() -> "Table " + tableId + ": unusual value for " + field + ": " + Json.writeString(value));
        }
    }
}
