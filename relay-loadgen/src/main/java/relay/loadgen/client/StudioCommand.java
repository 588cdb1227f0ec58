package relay.loadgen.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import relay.json.Json;

/**
 * Seed 001's {@code ws_client.py}: connects as device {@code TABLE_DEVICE}, waits for the welcome, authenticates
 * and prints the table's status; then either runs the demo (five steps of updates, each answered) or, with
 * {@code --interactive}, turns typed commands such as {@code sdp up}, {@code roulette down} or
 * {@code maintenance on} into update objects.
 */
@Command(mixinStandardHelpOptions = true, description = "Seed 001 studio client: the demo, or --interactive status updates.")
final class StudioCommand implements Callable<Integer> {
    static final Set<String> SERVICES = Set.of("sdp", "idp");
    static final Set<String> DEVICES = Set.of("broker", "zcam", "roulette", "shaker", "barcode_scanner", "nfc_scanner");
    static final List<String> SERVICE_VALUES = List.of("up", "down", "standby", "calibration", "exception");
    static final List<String> DEVICE_VALUES = List.of("up", "down");

    /** The demo: seed 001's five steps, each a list of updates. */
    static final List<Step> DEMO = List.of(
            new Step("Service status updates (SDP, IDP)", List.of("{\"sdp\":\"up\"}", "{\"idp\":\"up\"}")),
            new Step("Device status updates (Roulette, Shaker, Broker)",
                    List.of("{\"roulette\":\"up\"}", "{\"shaker\":\"up\"}", "{\"broker\":\"up\"}")),
            new Step("Multiple simultaneous updates", List.of("{\"sdp\":\"up\",\"roulette\":\"down\",\"shaker\":\"up\"}")),
            new Step("Maintenance mode toggle", List.of("{\"maintenance\":true}", "{\"maintenance\":false}")),
            new Step("Calibration status", List.of("{\"sdp\":\"calibration\"}", "{\"idp\":\"calibration\"}")));

    record Step(String title, List<String> updates) {}

    private final InputStream in;
    private final PrintStream out;

    @Option(names = "--url", description = "Server URL (default: ${DEFAULT-VALUE}; the original server was ws://localhost:8080).")
    URI url = URI.create("ws://localhost:8765/studio");

    @Option(names = "--table", description = "Table id (default: ${DEFAULT-VALUE}).")
    String table = "ARO-001";

    @Option(names = "--device", description = "Device name; the client id is TABLE_DEVICE (default: ${DEFAULT-VALUE}).")
    String device = "dealerPC";

    @Option(names = "--token", description = "Authentication token (default: ${DEFAULT-VALUE}).")
    String token = "MY_TOKEN";

    @Option(names = "--interactive", description = "Read commands from standard input instead of running the demo.")
    boolean interactive;

    @Option(names = "--query-auth", description = "Authenticate with ?id=&token= on the URL instead of an auth message.")
    boolean queryAuth;

    @Option(names = "--delay-ms", description = "Pause between demo steps (default: ${DEFAULT-VALUE}).")
    long delayMs = 1000;

    StudioCommand(InputStream in, PrintStream out) {
        this.in = in;
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        String clientId = table + "_" + device;
        URI target = queryAuth ? withQuery(url, "id=" + encode(clientId) + "&token=" + encode(token)) : url;
        Map<String, Object> auth = new LinkedHashMap<>();
        auth.put("id", clientId);
        auth.put("token", token);
        String authMessage = Json.writeString(auth);
        try (ClientSession session = ClientSession.open(target, out)) {
            if (!queryAuth) {
                if (session.next(ClientSession.TIMEOUT) == null) {
                    if (!session.isClosed()) {
                        out.println("* no welcome from the server");
                    }
                    session.finish();
                    return 1;
                }
                session.send(authMessage);
            }
            if (session.next(ClientSession.TIMEOUT) == null) {
                if (!session.isClosed()) {
                    out.println("* no status from the server");
                }
                session.finish();
                return 1;
            }
            return interactive ? session.interact(in, line -> command(session, line)) : demo(session);
        }
    }

    private int demo(ClientSession session) throws Exception {
        for (int i = 0; i < DEMO.size(); i++) {
            Step step = DEMO.get(i);
            out.println("* " + (i + 1) + ". " + step.title());
            for (String update : step.updates()) {
                session.send(update);
                if (session.next(ClientSession.TIMEOUT) == null) {
                    if (!session.isClosed()) {
                        out.println("* no answer from the server");
                    }
                    session.finish();
                    return 1;
                }
            }
            if (delayMs > 0 && i < DEMO.size() - 1) {
                Thread.sleep(delayMs);
            }
        }
        out.println("* demo done");
        return session.finish();
    }

    /** One interactive line; returns false to end. */
    private boolean command(ClientSession session, String line) throws IOException {
        String[] words = line.split("\\s+");
        switch (words[0].toLowerCase()) {
            case "quit", "exit" -> {
                return false;
            }
            case "help", "?" -> help();
            case "raw" -> session.send(line.substring(3).strip());
            default -> {
                Map<String, Object> update = new LinkedHashMap<>();
                String error = words.length % 2 != 0 ? "expected pairs of <field> <value>" : null;
                for (int i = 0; error == null && i < words.length; i += 2) {
                    String key = words[i].toLowerCase();
                    String value = words[i + 1].toLowerCase();
                    error = check(key, value);
                    if (error == null) {
                        update.put(key, key.equals("maintenance") ? value.equals("on") || value.equals("true") : value);
                    }
                }
                if (error != null) {
                    out.println("* " + error + " (type 'help')");
                } else {
                    session.send(Json.writeString(update));
                }
            }
        }
        return true;
    }

    /** Null if {@code key value} is a valid update, else why not. */
    static String check(String key, String value) {
        if (SERVICES.contains(key)) {
            return SERVICE_VALUES.contains(value) ? null : key + " takes " + String.join("|", SERVICE_VALUES);
        }
        if (DEVICES.contains(key)) {
            return DEVICE_VALUES.contains(value) ? null : key + " takes " + String.join("|", DEVICE_VALUES);
        }
        if (key.equals("maintenance")) {
            return List.of("on", "off", "true", "false").contains(value) ? null : "maintenance takes on|off";
        }
        return "unknown field '" + key + "'";
    }

    private void help() {
        out.println("* commands:");
        out.println("*   <field> <value> [<field> <value> ...]   one update, e.g. 'sdp up' or 'sdp up roulette down'");
        out.println("*     services: sdp, idp = " + String.join("|", SERVICE_VALUES));
        out.println("*     devices:  broker, zcam, roulette, shaker, barcode_scanner, nfc_scanner = up|down");
        out.println("*     maintenance on|off");
        out.println("*   raw <json>   send a message as it is");
        out.println("*   help         this list");
        out.println("*   quit         close and exit (as does end of input)");
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static URI withQuery(URI url, String query) {
        String base = url.toString();
        return URI.create(base + (base.contains("?") ? "&" : "?") + query);
    }
}
