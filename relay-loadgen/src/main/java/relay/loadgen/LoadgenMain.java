package relay.loadgen;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import relay.loadgen.report.CompareCommand;
import relay.loadgen.report.TableCommand;
import relay.loadgen.report.TimelineCommand;
import relay.loadgen.scenario.BoothScenario;
import relay.loadgen.scenario.BroadcastScenario;
import relay.loadgen.scenario.CarpartyScenario;
import relay.loadgen.scenario.ConnectionsScenario;
import relay.loadgen.scenario.EchoScenario;
import relay.loadgen.scenario.SignalingScenario;
import relay.loadgen.scenario.SoakScenario;

/**
 * {@code ./relay loadgen <scenario> [options]}: relay's load generator. Each scenario is a subcommand; so are
 * {@code compare}, which puts the latency logs of several runs side by side, {@code table}, which
 * tabulates a sitting's summaries, and {@code timeline}, which shows one run second by second.
 */
@Command(name = "relay loadgen", mixinStandardHelpOptions = true,
        description = "Open-loop WebSocket load generator with HdrHistogram latency logs.",
        subcommands = {EchoScenario.class, CarpartyScenario.class, BoothScenario.class, BroadcastScenario.class,
                SignalingScenario.class, ConnectionsScenario.class, SoakScenario.class, CompareCommand.class, TableCommand.class,
                TimelineCommand.class})
public final class LoadgenMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadgenMain()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
