package relay.proto.broadcast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static relay.testing.TestClient.await;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import relay.testing.RedisServer;
import relay.testing.TestClient;
import relay.testing.TestCluster;
import relay.testing.TestServer;

/** Seed 002 across nodes (docs/cluster.md): every member on every node gets every frame, sender included, in order. */
@Timeout(40)
class BroadcastClusterIT {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    private static void awaitSubscribed(TestCluster cluster, int nodes, String group) throws InterruptedException {
        for (int i = 0; i < nodes; i++) {
            TestServer node = cluster.node(i);
            await("node " + i + " subscribed to " + group,
                    () -> node.server().cluster().bus().isSubscribed(BroadcastCluster.topic(group)));
        }
    }

    @Test
    void everyMemberOnEveryNodeGetsEveryFrameSenderIncludedInPerSenderOrder() throws Exception {
        int perSender = 100;
        try (TestCluster cluster = TestCluster.start(REDIS, 3)) {
            List<TestClient> members = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    members.add(TestClient.connect(cluster.node(i).uri("/ws/relay/")));
                    members.add(TestClient.connect(cluster.node(i).uri("/ws/holds/")));
                }
                awaitSubscribed(cluster, 3, BroadcastEndpoint.SHARED_GROUP);
                for (int i = 0; i < perSender; i++) {
                    for (int m = 0; m < members.size(); m++) {
                        members.get(m).send("m" + m + ":" + i);
                    }
                }
                for (TestClient member : members) {
                    Map<String, Integer> nextBySender = new HashMap<>();
                    for (int k = 0; k < perSender * members.size(); k++) {
                        String text;
                        try {
                            text = member.nextText();
                        } catch (AssertionError e) {
                            throw new AssertionError("member " + members.indexOf(member) + " got " + k + " " + nextBySender
                                    + " drops " + cluster.node(0).server().metrics().cluster.dropsQueueFull.sum() + "/"
                                    + cluster.node(0).server().metrics().cluster.dropsLinkDown.sum() + " in/out "
                                    + cluster.node(1).server().metrics().cluster.messagesIn.sum() + "/"
                                    + cluster.node(0).server().metrics().cluster.messagesOut.sum(), e);
                        }
                        String[] parts = text.split(":");
                        int expected = nextBySender.getOrDefault(parts[0], 0);
                        assertEquals(expected, Integer.parseInt(parts[1]), "order of sender " + parts[0]);
                        nextBySender.put(parts[0], expected + 1);
                    }
                    assertEquals(members.size(), nextBySender.size(), "every sender heard, itself included");
                    member.expectNothing(50);
                }
            } finally {
                for (TestClient member : members) {
                    member.close();
                }
            }
        }
    }

    @Test
    void binaryFramesCrossVerbatimAndRoomsStaySeparate() throws Exception {
        try (TestCluster cluster = TestCluster.start(REDIS, 2);
             TestClient roomOnA = TestClient.connect(cluster.node(0).uri("/ws/relay/red/"));
             TestClient roomOnB = TestClient.connect(cluster.node(1).uri("/ws/relay/red/"));
             TestClient otherOnB = TestClient.connect(cluster.node(1).uri("/ws/relay/blue/"))) {
            awaitSubscribed(cluster, 2, "red");
            byte[] payload = new byte[70_000];
            payload[0] = 1;
            payload[69_999] = (byte) 0xFF;
            roomOnA.sendBinary(payload);
            assertArrayEquals(payload, roomOnA.nextBinary());
            assertArrayEquals(payload, roomOnB.nextBinary());
            otherOnB.expectNothing(200);
        }
    }

    @Test
    void aNodeWhoseLastMemberLeftStopsReceivingTheGroup() throws Exception {
        try (TestCluster cluster = TestCluster.start(REDIS, 2);
             TestClient onA = TestClient.connect(cluster.node(0).uri("/ws/relay/solo/"))) {
            TestClient onB = TestClient.connect(cluster.node(1).uri("/ws/relay/solo/"));
            awaitSubscribed(cluster, 2, "solo");
            onB.close();
            TestServer b = cluster.node(1);
            await("node B unsubscribed", () -> !b.server().cluster().bus().isSubscribed(BroadcastCluster.topic("solo")));
            long inBefore = b.server().metrics().cluster.messagesIn.sum();
            onA.send("only A hears this");
            assertEquals("only A hears this", onA.nextText());
            onA.expectNothing(100); // nothing must reach B either (heartbeats are not counted)
            assertEquals(inBefore, b.server().metrics().cluster.messagesIn.sum());
        }
    }

    @Test
    void aMemberHearsOtherNodesFromTheMomentItsUpgradeCompletes() throws Exception {
        try (TestCluster cluster = TestCluster.start(REDIS, 2);
             TestClient sender = TestClient.connect(cluster.node(0).uri("/ws/relay/fresh/"))) {
            for (int i = 0; i < 5; i++) {
                String room = "/ws/relay/fresh" + i + "/";
                try (TestClient first = TestClient.connect(cluster.node(1).uri(room)); // node 1's first member
                     TestClient from = TestClient.connect(cluster.node(0).uri(room))) {
                    from.send("right away " + i);
                    assertEquals("right away " + i, first.nextText(), "no subscription gap");
                }
            }
        }
    }

    /**
     * docs/cluster.md failure table, broadcast row: while Redis is down each node's members go on hearing each
     * other, other nodes' frames are dropped and counted, and once it returns (empty) every group, one joined
     * meanwhile included, hears every node again; nothing dropped is replayed late.
     */
    @Test
    void whileRedisIsDownEachNodeKeepsItsOwnTrafficAndAfterItReturnsTheNodesHearEachOtherAgain() throws Exception {
        try (TestCluster cluster = TestCluster.start(REDIS, 2);
             TestClient onA = TestClient.connect(cluster.node(0).uri("/ws/relay/storm/"));
             TestClient onB = TestClient.connect(cluster.node(1).uri("/ws/relay/storm/"));
             TestClient alsoOnB = TestClient.connect(cluster.node(1).uri("/ws/relay/storm/"))) {
            awaitSubscribed(cluster, 2, "storm");
            onA.send("before");
            for (TestClient member : List.of(onA, onB, alsoOnB)) {
                assertEquals("before", member.nextText());
            }
            var dropsA = cluster.node(0).server().metrics().cluster.dropsLinkDown;
            try {
                REDIS.kill();
                await("both links down", () -> !cluster.node(0).server().cluster().bus().isUp()
                        && !cluster.node(1).server().cluster().bus().isUp());
                long dropsBefore = dropsA.sum();
                onA.send("while down");
                assertEquals("while down", onA.nextText(), "the sender still hears itself");
                onB.send("b only");
                assertEquals("b only", onB.nextText());
                assertEquals("b only", alsoOnB.nextText(), "members on one node still hear each other");
                onA.expectNothing(200);
                alsoOnB.expectNothing(0);
                assertTrue(dropsA.sum() > dropsBefore, "the frame that could not cross is counted");

                try (TestClient lateOnB = TestClient.connect(cluster.node(1).uri("/ws/relay/late/"))) {
                    REDIS.restart(); // empty, as after a crash
                    cluster.awaitMesh();
                    awaitSubscribed(cluster, 2, "storm");
                    await("node B subscribed to the group joined while Redis was down",
                            () -> cluster.node(1).server().cluster().bus().isSubscribed(BroadcastCluster.topic("late")));
                    onA.send("after");
                    for (TestClient member : List.of(onA, onB, alsoOnB)) {
                        assertEquals("after", member.nextText(), "the next frame, nothing replayed before it");
                    }
                    try (TestClient lateOnA = TestClient.connect(cluster.node(0).uri("/ws/relay/late/"))) {
                        lateOnA.send("late");
                        assertEquals("late", lateOnB.nextText());
                    }
                }
            } finally {
                REDIS.restart();
            }
        }
    }
}
