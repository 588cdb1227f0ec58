package relay.proto.studio;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import relay.http.HttpRoutes;
import relay.json.Json;
import relay.ws.HttpRequest;
import relay.ws.HttpResponse;

/**
 * The studio status API (a protocols.md extension): {@code GET /api/studio/tables} returns every table's
 * status as one object keyed by table id (sorted); {@code GET /api/studio/tables/{id}} returns one status
 * object, or 404 {@code {"error":"Unknown table: ID"}}. Status objects have the keys and order the
 * WebSocket clients get.
 */
public final class StudioApi {
    static final String PATH = "/api/studio/tables";

    private final StudioTables tables;

    public StudioApi(StudioTables tables) {
        this.tables = tables;
    }

    public void register(HttpRoutes http) {
        http.exact(PATH, r -> all());
        http.exact(PATH + "/", r -> all());
        http.prefix(PATH + "/", this::one);
    }

    private HttpResponse all() {
        return HttpResponse.of(200, "application/json", Json.write(tables.snapshot()));
    }

    private HttpResponse one(HttpRequest request) {
        String id;
        try {
            id = URLDecoder.decode(request.path().substring(PATH.length() + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return HttpResponse.json(400, "{\"error\":\"Malformed table id\"}");
        }
        TableStatus status = tables.get(id);
        if (status == null) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("error", "Unknown table: " + id);
            return HttpResponse.of(404, "application/json", Json.write(error));
        }
        return HttpResponse.of(200, "application/json", status.toJson());
    }
}
