package relay.loadgen.scenario;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import relay.loadgen.net.WsConnection;
import relay.loadgen.net.WsListener;

/**
 * A scenario's listener on one connection, with the two rules every scenario shares: a close the run did
 * not ask for is an error (by its code), and a connection that never opens is an error (by its kind) that
 * releases the set-up latch, so that set-up never waits for it. Runs on the connection's event loop.
 */
abstract class Participant implements WsListener {
    /** The run this connection belongs to; set before the connection is opened. */
    Run run;

    /** The latch set-up waits on for this connection. */
    abstract CountDownLatch setUpLatch();

    /** Sends a set-up message (a login, a registration) built as a String: off the measured path. */
    static void sendSetUp(WsConnection c, String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        c.sendText(bytes, 0, bytes.length);
    }

    /** The {@code message} member of a protocol's error reply, to name the error kind. */
    static String errorMessage(String reply) {
        return reply.replaceAll(".*\"message\":\"([^\"]*)\".*", "$1");
    }

    /** Answers a message at once (booth, signaling callee): a refused answer counts as {@link Run#refused}. */
    void reply(WsConnection c, byte[] message) {
        if (!c.sendText(message, 0, message.length)) {
            run.refused(c);
        }
    }

    @Override
    public void onClosed(WsConnection c, int code, String reason, boolean initiatedByUs) {
        Scenario.countClose(run, code, reason, initiatedByUs);
    }

    @Override
    public void onFailed(WsConnection c, String kind) {
        run.errors.add(kind);
        setUpLatch().countDown();
    }
}
