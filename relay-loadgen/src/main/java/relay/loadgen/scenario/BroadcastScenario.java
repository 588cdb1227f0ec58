package relay.loadgen.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import relay.loadgen.net.WsConnection;

/**
 * {@code broadcast}: N members of one group ({@code /ws/relay/} or a room {@code /ws/relay/<room>/}), S of
 * them sending at R messages per second; every member, the sender included, gets every message.
 * Series: {@code delivery} (per message per member), {@code send-lag}.
 */
@Command(name = "broadcast", mixinStandardHelpOptions = true,
        description = "N members of a /ws/relay/ group, S of them sending; latency per delivery.")
public final class BroadcastScenario extends Scenario {
    @Option(names = {"-n", "--members"}, defaultValue = "100", description = "Members of the group. Default: ${DEFAULT-VALUE}")
    int members;

    @Option(names = {"-S", "--senders"}, defaultValue = "1", description = "Members that send. Default: ${DEFAULT-VALUE}")
    int senders;

    @Option(names = {"-r", "--rate"}, defaultValue = "10", description = "Messages per second per sender. Default: ${DEFAULT-VALUE}")
    double rate;

    @Option(names = {"-s", "--size"}, defaultValue = "128", description = "Message size in bytes. Default: ${DEFAULT-VALUE}")
    int size;

    @Option(names = "--client-url", description = "Odd-numbered members connect here instead of --url: another node of a relay cluster, to measure across nodes (docs/cluster.md). Default: --url")
    java.net.URI clientUrl;

    @Option(names = "--path", defaultValue = "/ws/relay/loadgen/", description = "Group path. Default: ${DEFAULT-VALUE}")
    String path;

    private final List<WsConnection> opened = new ArrayList<>();

    @Override
    protected String name() {
        return "broadcast";
    }

    @Override
    protected List<String> series() {
        return withSendLag("delivery");
    }

    @Override
    protected int connectionCount() {
        return members;
    }

    @Override
    protected void setUp(Run run, long deadlineNs) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(members);
        for (int i = 0; i < members; i++) {
            StampedClient m = new StampedClient(run, ready, "delivery", size);
            WsConnection c = clientUrl != null && i % 2 == 1 ? run.group.open(clientUrl, path, m) : run.group.open(path, m);
            c.attach(m);
            opened.add(c);
        }
        if (!await(ready, deadlineNs)) {
            run.errors.add("connect timeout", ready.getCount());
        }
        Thread.sleep(100); // joins are silent: give the last upgrades time to be registered in the group
    }

    @Override
    protected void startLoad(Run run, long loadStartNs) {
        long open = opened.stream().filter(WsConnection::isOpen).count();
        int n = 0;
        for (WsConnection c : opened) {
            if (n >= senders) {
                break;
            }
            if (!c.isOpen()) {
                continue;
            }
            StampedClient m = c.attachment();
            Pacer pacer = new Pacer(run, c.loop(), rate) {
                @Override
                protected boolean send(long intendedNs, long nowNs) {
                    return offer(c, m.message, intendedNs, open); // every open member gets it, the sender too
                }
            };
            pacer.startSpread(loadStartNs, n++, senders);
        }
    }
}
