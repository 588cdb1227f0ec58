package relay.net;

import relay.config.ListenerSpec;
import relay.ws.HttpRequest;
import relay.ws.HttpResponse;

/** Decides what a request on a listener gets: a WebSocket endpoint, or a plain HTTP response. */
public interface Router {
    /**
     * The endpoint for a WebSocket upgrade of this request, or null when the path has none (404). May throw
     * {@link relay.ws.HttpException} to refuse the upgrade with a specific status.
     */
    Endpoint endpointFor(HttpRequest request, ListenerSpec listener);

    /** The response to a request that is not a WebSocket upgrade. */
    HttpResponse serve(HttpRequest request, ListenerSpec listener);
}
