package relay.route;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import relay.json.Json;
import relay.json.PythonText;
import relay.json.Timestamps;
import relay.metrics.Metrics;
import relay.net.Connection;
import relay.net.Endpoint;
import relay.ws.FrameWriter;
import relay.ws.Opcode;

/**
 * The endpoint of path {@code /} on auto listeners: binds each connection to a protocol, once and for good,
 * by its first frame ({@link BindingRules}, rule 3) or, when it stays silent for the idle window, to studio
 * (rule 4: its original client waits for the server's welcome). Until bound, a frame no rule fits gets the
 * {@code {"type":"error","message":...}} reply both seed 000 and 004 clients read, and the connection stays
 * unbound (rule 5). The frame that decided is replayed to the protocol it bound. A client greeted by rule 4
 * whose first frame is nonetheless another seed's first frame (a slow booth, signaling or carparty client) is
 * bound by that frame rather than failed as a studio login.
 *
 * <p>Threads: binding happens only on the connection's reader thread, so the attachment is never swapped
 * under a running callback. The idle-window timer only sends the greeting; a CAS on the per-connection state
 * decides between it and the reader, and a reader that lost waits until the greeting is queued, so the
 * greeting always precedes the studio replies.
 */
public final class AutoBinder implements Endpoint {
    private static final Logger LOG = Logger.getLogger("relay.route.AutoBinder");
    /** No frame yet, no greeting yet. */
    private static final int SILENT = 0;
    /** The client spoke first: rules 3 and 5 apply to each frame until one binds. */
    private static final int SPOKE = 1;
    /** The timer is queueing the greeting. */
    private static final int GREETING = 2;
    /** The greeting is queued: the next frame binds to the greeting protocol, whatever it is. */
    private static final int GREETED = 3;

    private final Map<String, Endpoint> protocols;
    private final GreetingEndpoint greeter;
    private final long idleWindowMs;
    private final Metrics metrics;

    /**
     * @param protocols endpoint by protocol name; the "studio" one, if it is a {@link GreetingEndpoint}, gets
     *     silent connections after {@code idleWindowMs}
     */
    public AutoBinder(Map<String, Endpoint> protocols, long idleWindowMs, Metrics metrics) {
        this.metrics = metrics;
        this.protocols = Map.copyOf(protocols);
        this.greeter = protocols.get("studio") instanceof GreetingEndpoint g ? g : null;
        this.idleWindowMs = idleWindowMs;
    }

    /** Per-connection binding state, kept in the attachment until the bound protocol replaces it. */
    private static final class Binding {
        final AtomicInteger state = new AtomicInteger(SILENT);
    }

    /** True while a connection being bound was already greeted by rule 4 (for the endpoint's {@code onOpen}). */
    public static boolean wasGreeted(Connection connection) {
        return connection.attachment() instanceof Binding binding && binding.state.get() == GREETED;
    }

    @Override
    public void onOpen(Connection connection) {
        Binding binding = new Binding();
        connection.attach(binding);
        if (greeter != null) {
            connection.schedule(() -> greetIfSilent(connection, binding), idleWindowMs, TimeUnit.MILLISECONDS);
        }
    }

    /** Rule 4, on the timer thread: silent for the whole window, so a studio client waiting for the welcome. */
    private void greetIfSilent(Connection connection, Binding binding) {
        if (connection.isOpen() && binding.state.compareAndSet(SILENT, GREETING)) {
            connection.send(greeter.greetingFrame());
            binding.state.set(GREETED);
            LOG.log(Level.FINE, () -> "Connection " + connection + " silent for " + idleWindowMs + " ms: greeted as studio");
        }
    }

    @Override
    public void onText(Connection connection, byte[] bytes, int offset, int length) {
        Binding binding = (Binding) connection.attachment();
        boolean greeted = wasGreetedBeforeSpeaking(binding);
        Object message;
        try {
            message = Json.parse(bytes, offset, length);
        } catch (Json.InvalidJsonException e) {
            if (greeted) {
                bind(connection, greeter, "studio (idle window)").onText(connection, bytes, offset, length);
            } else {
                reject(connection, "Invalid JSON message", "invalid_json");
            }
            return;
        }
        if (greeted) {
            bind(connection, afterGreeting(message), "greeted, then spoke").onText(connection, bytes, offset, length);
            return;
        }
        if (!(message instanceof Map<?, ?> object)) {
            reject(connection, "Message must be a JSON object", "not_an_object");
            return;
        }
        String protocol = BindingRules.protocolOf(message);
        Endpoint endpoint = protocol == null ? null : protocols.get(protocol);
        if (endpoint == null) {
            Object type = object.get("type");
            reject(connection, "Unknown message type: " + PythonText.str(type), "unknown_type"); // as seed 000's f-string
            return;
        }
        bind(connection, endpoint, protocol + " (first frame)").onText(connection, bytes, offset, length);
    }

    @Override
    public void onBinary(Connection connection, byte[] bytes, int offset, int length) {
        Binding binding = (Binding) connection.attachment();
        if (wasGreetedBeforeSpeaking(binding)) {
            bind(connection, greeter, "studio (idle window)").onBinary(connection, bytes, offset, length);
            return;
        }
        reject(connection, "Invalid JSON message", "invalid_json");
    }

    /**
     * Rule 4 greeted this connection, so it is studio's, unless its first frame is unmistakably another seed's
     * (rule 3: booth, signaling or carparty). That is a slow client which spoke just after the window closed:
     * binding it by its frame keeps it working, and the stray welcome is harmless to those clients, which
     * dispatch on {@code type} or {@code action} and ignore what they do not know.
     */
    private Endpoint afterGreeting(Object firstFrame) {
        String protocol = BindingRules.protocolOf(firstFrame);
        Endpoint endpoint = protocol == null ? null : protocols.get(protocol);
        return endpoint == null ? greeter : endpoint;
    }

    /**
     * Marks the connection as having spoken, which disarms the idle window, and returns false; or returns true
     * if the timer greeted it first (waiting out a greeting in progress, a queue offer).
     */
    private static boolean wasGreetedBeforeSpeaking(Binding binding) {
        if (binding.state.compareAndSet(SILENT, SPOKE) || binding.state.get() == SPOKE) {
            return false;
        }
        while (binding.state.get() == GREETING) {
            Thread.onSpinWait();
        }
        return true;
    }

    private static Endpoint bind(Connection connection, Endpoint endpoint, String why) {
        LOG.log(Level.FINE, () -> "Connection " + connection + " bound to " + why);
        connection.bind(endpoint);
        return endpoint;
    }

    /** Rule 5: the error shape seed 000 and 004 clients both read (with seed 000's timestamp). */
    private void reject(Connection connection, String message, String errorLabel) {
        metrics.countProtocolError("auto", errorLabel);
        LOG.log(Level.FINE, () -> "Connection " + connection + " not bound: " + message);
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", "error");
        error.put("message", message);
        error.put("timestamp", Timestamps.now());
        connection.send(FrameWriter.encode(Opcode.TEXT, Json.write(error)));
    }
}
