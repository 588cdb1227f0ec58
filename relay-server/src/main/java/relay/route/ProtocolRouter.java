package relay.route;

import java.util.Map;
import relay.config.ListenerSpec;
import relay.http.HttpRoutes;
import relay.net.Endpoint;
import relay.net.Router;
import relay.ws.HttpRequest;
import relay.ws.HttpResponse;

/**
 * Maps upgrade requests to protocol endpoints by the path rules of protocols.md ("Endpoints and listeners",
 * rule 1), and plain HTTP to the route table. On a listener with a fixed mode every path is that protocol.
 * Protocols not yet registered simply have no endpoint (404).
 */
public final class ProtocolRouter implements Router {
    private final Map<String, Endpoint> protocols;
    private final Endpoint autoBinder;
    private final HttpRoutes http;

    /**
     * @param protocols endpoint by protocol name (booth, studio, broadcast, carparty, signaling, echo)
     * @param autoBinder the endpoint that binds connections on path {@code /} of auto listeners, or null
     */
    public ProtocolRouter(Map<String, Endpoint> protocols, Endpoint autoBinder, HttpRoutes http) {
        this.protocols = Map.copyOf(protocols);
        this.autoBinder = autoBinder;
        this.http = http;
    }

    @Override
    public Endpoint endpointFor(HttpRequest request, ListenerSpec listener) {
        if (!listener.isAuto()) {
            return protocols.get(listener.mode());
        }
        String path = request.path();
        return switch (path) {
            case "/" -> BindingRules.isStudioQuery(request.query()) ? protocols.get("studio") : autoBinder;
            case "/booth" -> protocols.get("booth");
            case "/studio" -> protocols.get("studio");
            case "/carparty" -> protocols.get("carparty");
            case "/signaling" -> protocols.get("signaling");
            case "/echo" -> protocols.get("echo");
            case "/ws/relay/", "/ws/holds/" -> protocols.get("broadcast");
            default -> isBroadcastRoom(path) ? protocols.get("broadcast") : null;
        };
    }

    /** {@code /ws/relay/{room}/}: one non-empty path segment between the prefix and the trailing slash. */
    static boolean isBroadcastRoom(String path) {
        String prefix = "/ws/relay/";
        if (!path.startsWith(prefix) || !path.endsWith("/") || path.length() <= prefix.length() + 1) {
            return false;
        }
        return path.indexOf('/', prefix.length()) == path.length() - 1;
    }

    @Override
    public HttpResponse serve(HttpRequest request, ListenerSpec listener) {
        return http.serve(request);
    }
}
