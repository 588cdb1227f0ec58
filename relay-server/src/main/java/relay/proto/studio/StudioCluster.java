package relay.proto.studio;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import relay.cluster.Cluster;
import relay.cluster.Envelope;
import relay.cluster.MessageKind;
import relay.cluster.Wtf8;
import relay.json.Json;

/**
 * Studio table status shared by every node of a cluster (docs/cluster.md). The status of table T lives in
 * the Redis hash {@code PREFIX:studio:T} (field name to the value's JSON text) and every update is one Lua
 * script that applies the fields, counts UPTIME and sets TIMESTAMP atomically, so two nodes updating one
 * table never lose an update and UPTIME counts them all. The script returns the whole status, which the
 * node keeps as its local copy and announces on the control channel; other nodes replace their copy
 * (only by a newer UPTIME), so {@code GET /api/studio/tables} on any node shows every table.
 *
 * <p>When Redis is unreachable an update is applied to the local copy alone (logged and counted), and the
 * next update after Redis returns carries that copy along as the seed if Redis lost the table.
 *
 * <p>Threads: a studio connection's reader (updates, one Redis round trip each: the status is shared
 * state, not a relayed message), the bus's subscriber (announcements) and a loader virtual thread on
 * every link-up.
 */
public final class StudioCluster {
    private static final Logger LOG = Logger.getLogger("relay.Studio");
    /**
     * KEYS[1] table hash, KEYS[2] set of table ids; ARGV[1] table id, ARGV[2] TIMESTAMP JSON or "" (load only),
     * ARGV[3] number N of seed pairs (the local copy, written only if Redis has no such table), then N field/JSON
     * pairs, then the update's field/JSON pairs. Returns HGETALL.
     */
    static final byte[] UPDATE = ("local n = tonumber(ARGV[3]) "
            + "if redis.call('exists', KEYS[1]) == 0 then "
            + "  for i = 4, 3 + 2 * n, 2 do redis.call('hset', KEYS[1], ARGV[i], ARGV[i + 1]) end "
            + "  redis.call('sadd', KEYS[2], ARGV[1]) "
            + "end "
            + "if ARGV[2] ~= '' then "
            + "  for i = 4 + 2 * n, #ARGV, 2 do redis.call('hset', KEYS[1], ARGV[i], ARGV[i + 1]) end "
            + "  redis.call('hincrby', KEYS[1], 'UPTIME', 1) "
            + "  redis.call('hset', KEYS[1], 'TIMESTAMP', ARGV[2]) "
            + "end "
            + "return redis.call('hgetall', KEYS[1])").getBytes(StandardCharsets.UTF_8);

    private final Cluster cluster;
    private final StudioTables tables;
    private final byte[] tableSet;

    public StudioCluster(Cluster cluster, StudioTables tables) {
        this.cluster = cluster;
        this.tables = tables;
        this.tableSet = Wtf8.encode(cluster.key("studio:tables"));
        cluster.bus().on(MessageKind.STUDIO_TABLE_CHANGED, this::onChanged);
        cluster.bus().onLinkUp(() -> Thread.ofVirtual().name("relay-studio-load").start(this::loadAll));
        tables.shareWith(this);
        if (cluster.bus().isUp()) {
            Thread.ofVirtual().name("relay-studio-load").start(this::loadAll);
        }
    }

    /** Reads (creating it if Redis has none) the shared status of {@code table} into its local copy. */
    void load(TableStatus table) {
        run(table, null, null);
    }

    /** Applies an update to the shared status and refreshes the local copy; false if Redis could not be used. */
    boolean apply(TableStatus table, Map<?, ?> update, String now) {
        return run(table, update, now);
    }

    private boolean run(TableStatus table, Map<?, ?> update, String now) {
        List<byte[]> args = new ArrayList<>();
        args.add(Wtf8.encode(table.tableId()));
        args.add(now == null ? new byte[0] : Json.write(now));
        Map<String, Object> seed = table.snapshot();
        args.add(Wtf8.encode(Integer.toString(seed.size())));
        seed.forEach((field, value) -> {
            args.add(Wtf8.encode(field));
            args.add(Json.write(value));
        });
        if (update != null) {
            for (Map.Entry<?, ?> e : update.entrySet()) {
                String field = TableStatus.FIELD_BY_KEY.get(String.valueOf(e.getKey()));
                if (field != null) {
                    table.warnIfUnusual(field, e.getValue());
                    args.add(Wtf8.encode(field));
                    args.add(Json.write(e.getValue()));
                }
            }
        }
        Object result;
        try {
            result = cluster.redis().call(j -> j.eval(UPDATE, List.of(hashKey(table.tableId()), tableSet), args));
        } catch (RuntimeException e) {
            if (update != null) {
                LOG.warning("Redis unreachable: table " + table.tableId() + " updated on this node only");
            }
            return false;
        }
        Map<String, Object> fields = decode(result);
        table.replace(fields);
        if (update != null) {
            cluster.bus().toAll(MessageKind.STUDIO_TABLE_CHANGED, 0, Wtf8.encode(table.tableId()), null, Json.write(table.snapshot()));
        }
        return true;
    }

    private void onChanged(Envelope envelope) {
        Object parsed;
        try {
            parsed = Json.parse(envelope.payload(), 0, envelope.payload().length);
        } catch (Json.InvalidJsonException e) {
            return;
        }
        if (parsed instanceof Map<?, ?> status) {
            Map<String, Object> fields = new LinkedHashMap<>();
            status.forEach((k, v) -> fields.put(String.valueOf(k), v));
            tables.getOrCreateLocal(envelope.keyString()).replaceIfNewer(fields);
        }
    }

    /** Every table any node has used, into the local copies (on link-up: start, or Redis back). */
    private void loadAll() {
        try {
            Set<byte[]> ids = cluster.redis().call(j -> j.smembers(tableSet));
            List<Object> all = cluster.redis().call(j -> {
                Pipeline p = j.pipelined();
                List<Response<Map<byte[], byte[]>>> responses = new ArrayList<>();
                for (byte[] id : ids) {
                    responses.add(p.hgetAll(hashKey(Wtf8.decode(id))));
                }
                p.sync();
                List<Object> maps = new ArrayList<>();
                for (Response<Map<byte[], byte[]>> r : responses) {
                    maps.add(r.get());
                }
                return maps;
            });
            int i = 0;
            for (byte[] id : ids) {
                Object hash = all.get(i++);
                if (hash instanceof Map<?, ?> m && !m.isEmpty()) {
                    Map<String, Object> fields = new LinkedHashMap<>();
                    m.forEach((k, v) -> fields.put(Wtf8.decode((byte[]) k), json((byte[]) v)));
                    tables.getOrCreateLocal(Wtf8.decode(id)).replaceIfNewer(fields);
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Could not load the shared studio tables", e);
        }
    }

    private byte[] hashKey(String tableId) {
        return Wtf8.encode(cluster.key("studio:" + tableId));
    }

    private static Map<String, Object> decode(Object hgetall) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (hgetall instanceof List<?> flat) {
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                fields.put(Wtf8.decode((byte[]) flat.get(i)), json((byte[]) flat.get(i + 1)));
            }
        }
        return fields;
    }

    private static Object json(byte[] text) {
        try {
            return Json.parse(text, 0, text.length);
        } catch (Json.InvalidJsonException e) {
            return new String(text, StandardCharsets.UTF_8);
        }
    }

}
