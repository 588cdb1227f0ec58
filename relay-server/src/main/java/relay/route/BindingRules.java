package relay.route;

import java.util.Map;
import java.util.Set;

/**
 * Rule 3 of protocols.md "Endpoints and listeners": which protocol a connection on path {@code /} of an auto
 * listener speaks, judged by its first frame. Pure: a parsed JSON value in, a protocol name or null out.
 * Rules 1 and 2 (path, query) are the router's; rule 4 (the studio idle window) and rule 5 (the error for
 * anything else) are the {@link AutoBinder}'s.
 */
public final class BindingRules {
    static final Set<String> BOOTH_TYPES = Set.of("register_booth", "connect_scanner", "relay_message", "ping");
    static final Set<String> SIGNALING_TYPES = Set.of("register", "offer", "answer", "ice_candidate");
    static final Set<String> CARPARTY_ACTIONS = Set.of("login_server", "login_client");

    private BindingRules() {}

    /** The protocol this first frame belongs to, or null when no rule fits. */
    public static String protocolOf(Object firstFrame) {
        if (!(firstFrame instanceof Map<?, ?> message)) {
            return null;
        }
        if (message.get("type") instanceof String type) {
            if (BOOTH_TYPES.contains(type)) {
                return "booth";
            }
            if (SIGNALING_TYPES.contains(type)) {
                return "signaling";
            }
        }
        if (message.get("action") instanceof String action && CARPARTY_ACTIONS.contains(action)) {
            return "carparty";
        }
        if (message.containsKey("id") && message.containsKey("token")) {
            return "studio";
        }
        return null;
    }

    /** Rule 2: a query with both {@code id} and {@code token} is an already-authenticated studio client. */
    public static boolean isStudioQuery(String query) {
        boolean id = false;
        boolean token = false;
        for (String pair : query.split("&")) {
            String name = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
            id |= name.equals("id");
            token |= name.equals("token");
        }
        return id && token;
    }
}
