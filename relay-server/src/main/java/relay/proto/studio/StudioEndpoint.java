package relay.proto.studio;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import relay.json.Json;
import relay.metrics.Metrics;
import relay.net.Connection;
import relay.route.AutoBinder;
import relay.route.GreetingEndpoint;
import relay.ws.CloseCode;
import relay.ws.FrameWriter;
import relay.ws.Opcode;

/**
 * studio, the table status server of seed 001 (protocols.md "studio"). The server greets; the client
 * authenticates with {@code {"id":"<TABLE>_<DEVICE>","token":...}} (or {@code ?id=&token=} on the upgrade
 * request, which skips greeting and auth frame), gets its table's status, and then sends update objects, each
 * answered {@code {"status":"updated","table_id":...}}. Per-connection state is a {@link Session}; table status
 * lives in {@link StudioTables}. Callbacks run on each connection's reader thread.
 */
public final class StudioEndpoint implements GreetingEndpoint {
    private static final Logger LOG = Logger.getLogger("relay.Studio");
    static final String WELCOME = "{\"message\":\"Connected to Studio WebSocket Server\",\"status\":\"ready\"}";
    static final String MISSING_AUTH = "Missing authentication parameters";
    static final String INVALID_AUTH = "Invalid authentication message";
    static final String INVALID_TOKEN = "Invalid token";
    private static final byte[] WELCOME_FRAME = FrameWriter.encodeText(WELCOME);
    private static final byte[] INVALID_JSON_FRAME = FrameWriter.encodeText("{\"error\":\"Invalid JSON format\"}");
    private static final byte[] NOT_AN_OBJECT_FRAME = FrameWriter.encodeText("{\"error\":\"Update must be a JSON object\"}");

    private final StudioTables tables;
    private final StudioTokenFile tokens;
    private final Metrics metrics;

    /**
     * @param tokens the token file, or null to accept any non-empty token (the original's behaviour; the
     *     caller warns at start-up)
     */
    public StudioEndpoint(StudioTables tables, StudioTokenFile tokens, Metrics metrics) {
        this.tables = tables;
        this.tokens = tokens;
        this.metrics = metrics;
    }

    /** A connection's state: null table until authenticated. */
    private static final class Session {
        String clientId;
        TableStatus table;
    }

    @Override
    public byte[] greetingFrame() {
        return WELCOME_FRAME;
    }

    @Override
    public void onOpen(Connection connection) {
        boolean greeted = AutoBinder.wasGreeted(connection);
        Session session = new Session();
        connection.attach(session);
        Map<String, String> query = queryOf(connection);
        if (query.containsKey("id") && query.containsKey("token")) {
            authenticate(connection, session, query.get("id"), query.get("token"));
            return;
        }
        if (!greeted) {
            connection.send(WELCOME_FRAME);
        }
    }

    @Override
    public void onText(Connection connection, byte[] bytes, int offset, int length) {
        Session session = (Session) connection.attachment();
        Object message;
        try {
            message = Json.parse(bytes, offset, length);
        } catch (Json.InvalidJsonException e) {
            message = InvalidJson.INSTANCE;
        }
        if (session.table == null) {
            onAuthMessage(connection, session, message);
        } else {
            onUpdate(connection, session, message);
        }
    }

    /** Binary frames are read as JSON text too, as the original's {@code json.loads} did. */
    @Override
    public void onBinary(Connection connection, byte[] bytes, int offset, int length) {
        onText(connection, bytes, offset, length);
    }

    private void onAuthMessage(Connection connection, Session session, Object message) {
        if (!(message instanceof Map<?, ?> auth)) {
            reject(connection, INVALID_AUTH, "invalid_auth");
            return;
        }
        authenticate(connection, session, auth.get("id"), auth.get("token"));
    }

    private void authenticate(Connection connection, Session session, Object id, Object token) {
        if (!(id instanceof String clientId) || clientId.isEmpty() || !(token instanceof String tokenText) || tokenText.isEmpty()) {
            reject(connection, MISSING_AUTH, "missing_auth");
            return;
        }
        String tableId = tableIdOf(clientId);
        if (tokens != null && !tokens.current().admits(clientId, tableId, tokenText)) {
            reject(connection, INVALID_TOKEN, "invalid_token");
            return;
        }
        session.clientId = clientId;
        session.table = tables.getOrCreate(tableId);
        LOG.info(() -> "Client " + clientId + " authenticated for table " + tableId + " (" + connection + ")");
        connection.send(FrameWriter.encode(Opcode.TEXT, session.table.toJson()));
    }

    private void onUpdate(Connection connection, Session session, Object message) {
        if (message == InvalidJson.INSTANCE) {
            LOG.fine(() -> "Client " + session.clientId + ": update is not JSON");
            metrics.countProtocolError("studio", "invalid_json");
            connection.send(INVALID_JSON_FRAME);
            return;
        }
        if (!(message instanceof Map<?, ?> update)) {
            LOG.fine(() -> "Client " + session.clientId + ": update is not an object");
            metrics.countProtocolError("studio", "not_an_object");
            connection.send(NOT_AN_OBJECT_FRAME);
            return;
        }
        TableStatus table = session.table;
        tables.update(table, update);
        LOG.log(Level.FINE, () -> "Table " + table.tableId() + " updated by " + session.clientId + ": " + Json.writeString(update));
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("status", "updated");
        reply.put("table_id", table.tableId());
        connection.send(FrameWriter.encode(Opcode.TEXT, Json.write(reply)));
    }

    private void reject(Connection connection, String reason, String errorLabel) {
        metrics.countProtocolError("studio", errorLabel);
        LOG.info(() -> "Closing " + connection + ": " + reason);
        connection.close(CloseCode.POLICY_VIOLATION, reason);
    }

    /** table_id = the part of the client id before the first {@code _}, or the whole id if none. */
    static String tableIdOf(String clientId) {
        int underscore = clientId.indexOf('_');
        return underscore < 0 ? clientId : clientId.substring(0, underscore);
    }

    /** The upgrade request's query parameters, percent-decoded; the first of repeated names wins. */
    static Map<String, String> queryOf(Connection connection) {
        return parseQuery(connection.request() == null ? "" : connection.request().query());
    }

    static Map<String, String> parseQuery(String query) {
        Map<String, String> params = new LinkedHashMap<>();
        if (query.isEmpty()) {
            return params;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                params.putIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                params.putIfAbsent(name, value); // malformed escapes: take the text as it is
            }
        }
        return params;
    }

    /** Marks a frame that was not JSON, so that auth and update handling share one parse. */
    private enum InvalidJson { INSTANCE }
}
