package relay.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static relay.testing.TestClient.await;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import relay.config.ClusterConfig;
import relay.metrics.ClusterCounters;
import relay.testing.RedisServer;

@Timeout(30)
class ClusterBusIT {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    private static Cluster node(ClusterConfig config, ClusterCounters counters) {
        Cluster cluster = Cluster.start(config, counters);
        assertTrue(cluster.awaitUp(5_000), "link up");
        return cluster;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void deliversToANodeAndToTopicMembersButNotBackToTheOrigin() throws Exception {
        ClusterConfig config = REDIS.cluster();
        ClusterCounters countersA = new ClusterCounters();
        ClusterCounters countersB = new ClusterCounters();
        try (Cluster a = node(config, countersA); Cluster b = node(config, countersB)) {
            BlockingQueue<Envelope> atA = new LinkedBlockingQueue<>();
            BlockingQueue<Envelope> atB = new LinkedBlockingQueue<>();
            a.bus().on(MessageKind.BROADCAST_FRAME, atA::add);
            b.bus().on(MessageKind.BROADCAST_FRAME, atB::add);
            ClusterBus.Topic room = a.bus().join("room");
            b.bus().join("room");
            assertSame(room, a.bus().topic("room"), "a held topic is encoded once, for every publish");
            await("peers see each other", () -> a.bus().isAlive(b.self()) && b.bus().isAlive(a.self()));

            assertTrue(a.bus().toNode(b.self(), MessageKind.BROADCAST_FRAME, 7, utf8("k"), utf8("s"), utf8("to b")));
            Envelope e = atB.poll(5, TimeUnit.SECONDS);
            assertEquals("to b", new String(e.payload(), StandardCharsets.UTF_8));
            assertEquals(a.self(), e.origin());
            assertEquals(7, e.connection());
            assertEquals("s", e.subString());

            a.bus().toTopic(room, MessageKind.BROADCAST_FRAME, 0, utf8("room"), null, utf8("to room"));
            assertEquals("to room", new String(atB.poll(5, TimeUnit.SECONDS).payload(), StandardCharsets.UTF_8));
            b.bus().leave("room");
            // leave() sends the UNSUBSCRIBE; what A publishes before Redis has processed it may still reach B
            await("B's unsubscribe confirmed", () -> !b.bus().isSubscribed("room"));
            a.bus().toTopic(room, MessageKind.BROADCAST_FRAME, 0, utf8("room"), null, utf8("after leave"));
            a.bus().toNode(b.self(), MessageKind.BROADCAST_FRAME, 0, utf8("k"), null, utf8("marker"));
            assertEquals("marker", new String(atB.poll(5, TimeUnit.SECONDS).payload(), StandardCharsets.UTF_8),
                    "nothing from a topic B left");
            assertTrue(atA.isEmpty(), "a node never receives its own envelopes");
            await("counted", () -> countersA.messagesOut.sum() >= 4 && countersB.messagesIn.sum() >= 3);
            a.bus().leave("room");
            assertFalse(a.bus().holds("room"), "the last holder's leave drops the topic");
            assertNotSame(room, a.bus().topic("room"));
        }
    }

    @Test
    void keepsPerSenderOrderAcrossNodeAndTopicChannels() throws Exception {
        ClusterConfig config = REDIS.cluster();
        try (Cluster a = node(config, new ClusterCounters()); Cluster b = node(config, new ClusterCounters())) {
            List<Long> seen = new CopyOnWriteArrayList<>();
            b.bus().on(MessageKind.BROADCAST_FRAME, e -> seen.add(ByteBuffer.wrap(e.payload()).getLong()));
            b.bus().join("order");
            await("b subscribed to the topic", () -> a.bus().isAlive(b.self()) && b.bus().isSubscribed("order"));
            ClusterBus.Topic order = a.bus().topic("order"); // a publishes to it without holding it
            int n = 10_000;
            for (long i = 0; i < n; i++) {
                byte[] payload = ByteBuffer.allocate(8).putLong(i).array();
                boolean sent = i % 3 == 0
                        ? a.bus().toNode(b.self(), MessageKind.BROADCAST_FRAME, 0, utf8("k"), null, payload)
                        : a.bus().toTopic(order, MessageKind.BROADCAST_FRAME, 0, utf8("order"), null, payload);
                assertTrue(sent, "queued " + i);
                if (i % 4096 == 0) {
                    Thread.sleep(1); // stay under the publish queue's bound
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (seen.size() < n && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(n, seen.size(), "all arrive");
            for (int i = 0; i < n; i++) {
                assertEquals(i, seen.get(i), "position " + i);
            }
        }
    }

    @Test
    void aPeerThatLeavesIsDownAtOnceAndASilentOneAfterTheNodeTimeout() throws Exception {
        ClusterConfig config = REDIS.cluster();
        ClusterCounters countersA = new ClusterCounters();
        try (Cluster a = node(config, countersA)) {
            BlockingQueue<NodeId> down = new LinkedBlockingQueue<>();
            a.bus().onNodeDown(down::add);
            Cluster b = node(config, new ClusterCounters());
            await("a sees b", () -> a.bus().isAlive(b.self()));
            long start = System.nanoTime();
            b.close();
            assertEquals(b.self(), down.poll(5, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(config.nodeTimeoutMs()), "goodbye, not timeout");

            Cluster c = node(config, new ClusterCounters());
            await("a sees c", () -> a.bus().isAlive(c.self()));
            c.crash();
            assertEquals(c.self(), down.poll(5, TimeUnit.SECONDS));
            assertEquals(2, countersA.nodesLost.sum());
            assertEquals(0, countersA.peers);
        }
    }

    @Test
    void dropsAndCountsWhatTheBoundedQueueCannotHold() throws Exception {
        ClusterConfig config = REDIS.cluster().withPublishQueueMessages(16);
        ClusterCounters counters = new ClusterCounters();
        try (Cluster a = node(config, counters)) {
            int accepted = 0;
            ClusterBus.Topic nobody = a.bus().topic("nobody");
            for (int i = 0; i < 5_000; i++) {
                if (a.bus().toTopic(nobody, MessageKind.BROADCAST_FRAME, 0, utf8("x"), null, new byte[64])) {
                    accepted++;
                }
            }
            assertTrue(counters.dropsQueueFull.sum() > 0, "some dropped");
            long dropped = counters.dropsQueueFull.sum(); // may include a heartbeat the keeper offered meanwhile
            assertTrue(dropped >= 5_000 - accepted && dropped <= 5_000 - accepted + 2, accepted + " accepted, " + dropped + " dropped");
        }
    }
}
