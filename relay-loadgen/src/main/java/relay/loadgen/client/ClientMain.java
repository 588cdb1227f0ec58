package relay.loadgen.client;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./relay client ...}: the seeds' own clients, re-made on relay's client code ({@link WsClient}).
 * Each prints what it sends ({@code > }), what it receives ({@code < }) and events ({@code * }), ends
 * cleanly at end of input or on Ctrl-C, and takes {@code --url}.
 */
@Command(name = "relay client", mixinStandardHelpOptions = true,
        description = "Command-line clients of the relay protocols (the seeds' example and test clients).",
        footer = {"", "Examples:",
                "  ./relay client booth booth_001            # seed 000: a booth; each line typed is relayed to its scanner",
                "  ./relay client scanner booth_001          # seed 000: a scanner of that booth",
                "  ./relay client studio                     # seed 001: the demo against table ARO-001",
                "  ./relay client studio --interactive       # seed 001: type 'sdp up', 'maintenance on', 'help'",
                "  ./relay client broadcast client1          # seed 002: sends a few tagged messages, prints all received",
                "  ./relay client broadcast --interactive    # seed 002: each line typed goes to everyone"})
public final class ClientMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        Runtime.getRuntime().addShutdownHook(new Thread(ClientSession::closeAll, "client-exit"));
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** Runs one command with the given console; returns its exit code (tests call this directly). */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new ClientMain());
        cli.addSubcommand("booth", new BoothCommand(in, out, true));
        cli.addSubcommand("scanner", new BoothCommand(in, out, false));
        cli.addSubcommand("studio", new StudioCommand(in, out));
        cli.addSubcommand("broadcast", new BroadcastCommand(in, out));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            err.println("relay client: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
