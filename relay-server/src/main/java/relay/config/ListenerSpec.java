package relay.config;

import java.util.Locale;

/**
 * One listening socket: {@code [host:]port[=mode]}. Mode {@code auto} binds each connection to a protocol by
 * the rules of protocols.md; any other mode serves that one protocol on every path.
 */
public record ListenerSpec(String host, int port, String mode) {
    public static final String AUTO = "auto";
    /** The modes a listener accepts; "auto" plus one per protocol and the echo diagnostic. */
    public static final java.util.List<String> MODES =
            java.util.List.of(AUTO, "booth", "studio", "broadcast", "carparty", "signaling", "echo");

    public ListenerSpec {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (!MODES.contains(mode)) {
            throw new IllegalArgumentException("unknown listener mode '" + mode + "' (expected one of " + MODES + ")");
        }
    }

    /** Parses {@code [host:]port[=mode]}; the host defaults to {@code defaultHost}, the mode to auto. */
    public static ListenerSpec parse(String text, String defaultHost) {
        String spec = text.trim();
        String mode = AUTO;
        int eq = spec.indexOf('=');
        if (eq >= 0) {
            mode = spec.substring(eq + 1).toLowerCase(Locale.ROOT);
            spec = spec.substring(0, eq);
        }
        String host = defaultHost;
        int colon = spec.lastIndexOf(':');
        if (colon >= 0) {
            host = spec.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            spec = spec.substring(colon + 1);
        }
        int port;
        try {
            port = Integer.parseInt(spec);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid listener '" + text + "': expected [host:]port[=mode]");
        }
        return new ListenerSpec(host, port, mode);
    }

    public boolean isAuto() {
        return AUTO.equals(mode);
    }

    @Override
    public String toString() {
        return host + ":" + port + "=" + mode;
    }
}
