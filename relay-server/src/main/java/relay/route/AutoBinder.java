package relay.route;

import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import relay.json.Json;
import relay.net.Connection;
import relay.net.Endpoint;

/**
 * The endpoint of path {@code /} on auto listeners: binds each connection to a protocol, once and for good,
 * by its first frame ({@link BindingRules}) or, when it stays silent for the idle window, to studio (whose
 * original client waits for the server's welcome). Until bound, a frame no rule fits gets the
 * {@code {"type":"error","message":...}} reply both seed 000 and 004 clients read, and the connection stays
 * unbound. The first frame is replayed to the protocol it bound.
 *
 * <p>The idle-window timer and the reader thread race for the binding; a CAS on the per-connection state
 * decides, so exactly one of them binds.
 */
public final class AutoBinder implements Endpoint {
    private static final Logger LOG = Logger.getLogger("relay.route.AutoBinder");
    private static final int SILENT = 0;
    private static final int SPOKE = 1;
    private static final int BINDING = 2;
    private static final int BOUND = 3;

    private final Map<String, Endpoint> protocols;
    private final long idleWindowMs;

    public AutoBinder(Map<String, Endpoint> protocols, long idleWindowMs) {
        this.protocols = Map.copyOf(protocols);
        this.idleWindowMs = idleWindowMs;
    }

    /** Per-connection binding state, kept in the attachment until a protocol replaces it. */
    private static final class Binding {
        final AtomicInteger state = new AtomicInteger(SILENT);
        volatile Endpoint bound;
    }

    @Override
    public void onOpen(Connection connection) {
        Binding binding = new Binding();
        connection.attach(binding);
        Endpoint studio = protocols.get("studio");
        if (studio != null) {
            connection.schedule(() -> {
                // Rule 4: silent for the whole window, so this is a studio client waiting for the welcome.
                if (connection.isOpen() && binding.state.compareAndSet(SILENT, BINDING)) {
                    bind(connection, binding, studio, "studio (idle window)");
                }
            }, idleWindowMs, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void onText(Connection connection, byte[] bytes, int offset, int length) {
        Binding binding = (Binding) connection.attachment();
        Endpoint bound = claim(binding);
        if (bound != null) {
            bound.onText(connection, bytes, offset, length); // the timer bound it while this frame was in flight
            return;
        }
        Object message;
        try {
            message = Json.parse(bytes, offset, length);
        } catch (Json.InvalidJsonException e) {
            reject(connection, "Invalid JSON message");
            return;
        }
        if (!(message instanceof Map<?, ?> object)) {
            reject(connection, "Message must be a JSON object");
            return;
        }
        String protocol = BindingRules.protocolOf(message);
        Endpoint endpoint = protocol == null ? null : protocols.get(protocol);
        if (endpoint == null) {
            Object type = object.get("type");
            reject(connection, "Unknown message type: " + (type == null ? "None" : type));
            return;
        }
        binding.state.set(BINDING);
        bind(connection, binding, endpoint, protocol + " (first frame)");
        endpoint.onText(connection, bytes, offset, length);
    }

    @Override
    public void onBinary(Connection connection, byte[] bytes, int offset, int length) {
        Binding binding = (Binding) connection.attachment();
        Endpoint bound = claim(binding);
        if (bound != null) {
            bound.onBinary(connection, bytes, offset, length);
            return;
        }
        reject(connection, "Invalid JSON message");
    }

    @Override
    public void onClose(Connection connection, int code) {
        // Unbound connections hold nothing; bound ones are closed through their protocol's endpoint.
        if (connection.attachment() instanceof Binding binding && binding.bound != null) {
            binding.bound.onClose(connection, code);
        }
    }

    private void bind(Connection connection, Binding binding, Endpoint endpoint, String why) {
        LOG.log(Level.FINE, () -> "Connection " + connection + " bound to " + why);
        binding.bound = endpoint;
        connection.bind(endpoint);
        binding.state.set(BOUND);
    }

    /**
     * Called by the reader for a frame: marks the connection as having spoken (which disarms the idle window)
     * and returns null, or, if the timer has already bound it, waits out that bind and returns the endpoint.
     */
    private static Endpoint claim(Binding binding) {
        if (binding.state.compareAndSet(SILENT, SPOKE) || binding.state.get() == SPOKE) {
            return null;
        }
        while (binding.state.get() == BINDING) {
            Thread.onSpinWait();
        }
        return binding.bound;
    }

    private static void reject(Connection connection, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", "error");
        error.put("message", message);
        error.put("timestamp", LocalDateTime.now().toString());
        connection.send(relay.ws.FrameWriter.encode(relay.ws.Opcode.TEXT, Json.write(error)));
    }
}
