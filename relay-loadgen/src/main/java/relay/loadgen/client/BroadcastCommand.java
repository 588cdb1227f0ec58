package relay.loadgen.client;

import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import relay.json.Json;
import relay.json.Timestamps;

/**
 * Seed 002's {@code test_websocket_relay.py}: {@code client broadcast NAME} sends a few messages tagged with
 * its name, prints everything received (its own messages come back too: the group includes the sender) and
 * leaves once its own have come back; {@code client broadcast --interactive} (or the original's
 * {@code client broadcast interactive}) sends each line typed.
 */
@Command(mixinStandardHelpOptions = true, description = "Seed 002 broadcast test client: tagged messages, or --interactive lines.")
final class BroadcastCommand implements Callable<Integer> {
    private final InputStream in;
    private final PrintStream out;

    @Parameters(paramLabel = "NAME", arity = "0..1", description = "This client's name, e.g. client1 ('interactive' = --interactive).")
    String name;

    @Option(names = "--url", description = "Server URL (default: ${DEFAULT-VALUE}; the original was ws://localhost:8000/ws/relay/).")
    URI url = URI.create("ws://localhost:8765/ws/relay/");

    @Option(names = "--interactive", description = "Send each line typed; print everything received.")
    boolean interactive;

    @Option(names = "--count", description = "Messages to send (default: ${DEFAULT-VALUE}).")
    int count = 3;

    @Option(names = "--interval-ms", description = "Pause between messages (default: ${DEFAULT-VALUE}).")
    long intervalMs = 1000;

    @Option(names = "--linger-ms", description = "After the last message came back, keep printing for this long (default: ${DEFAULT-VALUE}).")
    long lingerMs = 1000;

    BroadcastCommand(InputStream in, PrintStream out) {
        this.in = in;
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        if ("interactive".equals(name)) {
            interactive = true;
            name = null;
        }
        String sender = name != null ? name : "client-" + ProcessHandle.current().pid();
        try (ClientSession session = ClientSession.open(url, out)) {
            if (interactive) {
                return session.interact(in, line -> {
                    if (line.equals("quit") || line.equals("exit")) {
                        return false;
                    }
                    session.send(message(sender, line));
                    return true;
                });
            }
            if (name == null) {
                out.println("* give a NAME or --interactive");
                session.finish();
                return 2;
            }
            for (int i = 1; i <= count; i++) {
                String text = "Hello from " + sender + " (" + i + "/" + count + ")";
                session.send(message(sender, text));
                // the relay echoes to the sender: wait for our own message to come back
                if (session.await(m -> m.contains("\"" + text + "\""), ClientSession.TIMEOUT) == null) {
                    out.println("* message " + i + " did not come back");
                    session.finish();
                    return 1;
                }
                if (i < count && intervalMs > 0) {
                    Thread.sleep(intervalMs);
                }
            }
            session.await(m -> false, Duration.ofMillis(lingerMs));
            out.println("* done");
            return session.finish();
        }
    }

    /** The seed's message shape: {"type":"message","text":...,"sender":...,"timestamp":...}. */
    private static String message(String sender, String text) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "message");
        message.put("text", text);
        message.put("sender", sender);
        message.put("timestamp", Timestamps.now());
        return Json.writeString(message);
    }
}
