package relay.loadgen.client;

import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import relay.json.Json;

/**
 * Seed 000's example clients: {@code client booth BOOTH_ID} registers a booth, {@code client scanner BOOTH_ID}
 * connects a scanner to it; then each line typed is sent as a {@code relay_message} (a JSON object or array
 * line as the data itself, any other text as {@code {"message":LINE}}) and everything received is printed.
 * {@code /ping} sends a ping, {@code /raw TEXT} sends TEXT as it is, {@code /quit} (or end of input) ends.
 */
@Command(mixinStandardHelpOptions = true, description = "Seed 000 booth or scanner: each line typed is relayed to the other side.")
final class BoothCommand implements Callable<Integer> {
    private final InputStream in;
    private final PrintStream out;
    private final boolean booth;

    @Parameters(paramLabel = "BOOTH_ID", description = "The booth id (from the QR code for a scanner), e.g. booth_001.")
    String boothId;

    @Option(names = "--url", description = "Server URL (default: ${DEFAULT-VALUE}; seed 000 clients used ws://localhost:8765).")
    URI url = URI.create("ws://localhost:8765/booth");

    BoothCommand(InputStream in, PrintStream out, boolean booth) {
        this.in = in;
        this.out = out;
        this.booth = booth;
    }

    @Override
    public Integer call() throws Exception {
        // Built before connecting: on path / the first frame must follow the handshake within the idle window.
        Map<String, Object> hello = new LinkedHashMap<>();
        hello.put("type", booth ? "register_booth" : "connect_scanner");
        hello.put("booth_id", boothId);
        String first = Json.writeString(hello);
        try (ClientSession session = ClientSession.open(url, out, first)) {
            return session.interact(in, line -> {
                if (line.equals("/quit")) {
                    return false;
                }
                if (line.equals("/ping")) {
                    session.send("{\"type\":\"ping\"}");
                } else if (line.startsWith("/raw ")) {
                    session.send(line.substring(5));
                } else {
                    Map<String, Object> message = new LinkedHashMap<>();
                    message.put("type", "relay_message");
                    message.put("data", dataOf(line));
                    session.send(Json.writeString(message));
                }
                return true;
            });
        }
    }

    /** A line that is a JSON object or array is the data itself; anything else becomes {"message": line}. */
    static Object dataOf(String line) {
        if (line.startsWith("{") || line.startsWith("[")) {
            try {
                return Json.parse(line);
            } catch (Json.InvalidJsonException e) {
                // not JSON after all: send it as text
            }
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("message", line);
        return data;
    }
}
