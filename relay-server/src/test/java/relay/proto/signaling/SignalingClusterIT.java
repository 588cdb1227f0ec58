package relay.proto.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static relay.testing.TestClient.await;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import relay.cluster.Cluster;
import relay.json.Json;
import relay.testing.RedisServer;
import relay.testing.TestClient;
import relay.testing.TestCluster;
import relay.testing.TestServer;

/** protocols.md "signaling" with the peers of a room on different nodes (docs/cluster.md). */
@Timeout(40)
class SignalingClusterIT {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    private static TestClient register(TestServer node, String id, String room) throws Exception {
        return TestClient.connect(node.uri("/signaling"))
                .sendJson("type", "register", "client_id", id, "room_id", room, "client_type", "t-" + id);
    }

    @Test
    void peersOnDifferentNodesSeeEachOtherAndExchangeOffersAnswersAndCandidates() throws Exception {
        try (TestCluster cluster = TestCluster.start(REDIS, 2);
             TestClient alice = register(cluster.node(0), "alice", "call")) {
            assertEquals(Map.of("type", "registered", "client_id", "alice", "room_id", "call", "peers", List.of()), alice.nextJson());
            try (TestClient bob = register(cluster.node(1), "bob", "call");
                 TestClient carol = register(cluster.node(1), "carol", "elsewhere")) {
                assertEquals(Map.of("type", "registered", "client_id", "bob", "room_id", "call", "peers", List.of("alice")),
                        bob.nextJson());
                assertEquals(Map.of("type", "peer_joined", "client_id", "bob", "client_type", "t-bob"), alice.nextJson());
                carol.nextJson();

                bob.sendJson("type", "offer", "target_id", "alice", "sdp", Map.of("sdp", "v=0"));
                assertEquals(Map.of("type", "offer", "sender_id", "bob", "sdp", Map.of("sdp", "v=0")), alice.nextJson());
                alice.sendJson("type", "answer", "target_id", "bob", "sdp", "v=1");
                assertEquals(Map.of("type", "answer", "sender_id", "alice", "sdp", "v=1"), bob.nextJson());
                alice.sendJson("type", "ice_candidate", "target_id", "bob", "candidate", "c1");
                assertEquals(Map.of("type", "ice_candidate", "sender_id", "alice", "candidate", "c1"), bob.nextJson());

                carol.sendJson("type", "offer", "target_id", "alice", "sdp", "x");
                assertEquals(Map.of("type", "error", "message", "Unknown target_id: alice"), carol.nextJson(),
                        "targets are found in the sender's room only, on every node");
                bob.close();
                assertEquals(Map.of("type", "peer_left", "client_id", "bob"), alice.nextJson());
            }
        }
    }

    @Test
    void theNewestRegistrationOfAnIdWinsAcrossNodes() throws Exception {
        try (TestCluster cluster = TestCluster.start(REDIS, 2);
             TestClient dave = register(cluster.node(0), "dave", "r")) {
            dave.nextJson(); // registered first, so that erin's arrival is dave's peer_joined (not the other way round)
            TestClient old = register(cluster.node(0), "erin", "r");
            old.nextJson();
            assertEquals("peer_joined", dave.nextJson().get("type"));
            try (TestClient fresh = register(cluster.node(1), "erin", "r")) {
                assertEquals(Map.of("type", "registered", "client_id", "erin", "room_id", "r", "peers", List.of("dave")),
                        fresh.nextJson());
                old.expectClose(4000);
                assertEquals(Map.of("type", "peer_left", "client_id", "erin"), dave.nextJson(), "the old one leaves first");
                assertEquals(Map.of("type", "peer_joined", "client_id", "erin", "client_type", "t-erin"), dave.nextJson());
                dave.sendJson("type", "offer", "target_id", "erin", "sdp", "s");
                assertEquals(Map.of("type", "offer", "sender_id", "dave", "sdp", "s"), fresh.nextJson());
            }
        }
    }

    @Test
    void aClientIdRegisteredWhileRedisWasDownReplacesTheOlderOneOnAnotherNodeWhenRedisReturnsAndTheRoomComesTogether()
            throws Exception {
        try (TestCluster cluster = TestCluster.start(REDIS, 2);
             TestClient dave = register(cluster.node(0), "dave", "down")) {
            dave.nextJson();
            TestClient older = register(cluster.node(0), "erin", "down");
            older.nextJson();
            assertEquals(joined("erin"), dave.nextJson());
            TestClient ivy = register(cluster.node(1), "ivy", "down");
            assertEquals(Set.of("dave", "erin"), Set.copyOf((List<?>) ivy.nextJson().get("peers")));
            assertEquals(joined("ivy"), dave.nextJson());
            TestClient hal = register(cluster.node(1), "hal", "solo");
            hal.nextJson();
            Cluster a = cluster.node(0).server().cluster();
            Cluster b = cluster.node(1).server().cluster();
            String key = Json.writeString("erin");
            await("node 1 knows who owns erin", () -> a.self().equals(b.ownership().owner(SignalingCluster.KIND, key)));
            TestClient newer;
            try {
                REDIS.kill();
                await("the nodes have given each other up", () -> !a.bus().isAlive(b.self()) && !b.bus().isAlive(a.self()));
                assertEquals(left("ivy"), dave.nextJson(), "as if node 1 had died");
                assertEquals(Set.of(left("dave"), left("erin")), Set.of(ivy.nextJson(), ivy.nextJson()));
                newer = register(cluster.node(1), "erin", "down"); // granted locally: node 1 cannot know of node 0's erin
                assertEquals(Map.of("type", "registered", "client_id", "erin", "room_id", "down", "peers", List.of("ivy")),
                        newer.nextJson());
                assertEquals(joined("erin"), ivy.nextJson());
                older.sendJson("type", "offer", "target_id", "dave", "sdp", "meanwhile");
                assertEquals(Map.of("type", "offer", "sender_id", "erin", "sdp", "meanwhile"), dave.nextJson(),
                        "each node keeps serving its own erin");
            } finally {
                REDIS.restart(); // empty, as after a crash: both nodes re-assert erin
            }
            try (ivy; newer; hal) {
                cluster.awaitMesh();
                // newest wins, as when both registrations reach Redis, whichever node re-asserts first: the older
                // connection is closed with 4000 and its room hears peer_left first (protocols.md)
                assertEquals(new TestClient.Closed(4000, SignalingEndpoint.REPLACED_REASON), older.awaitClose());
                await("both nodes agree that node 1 owns erin", () -> b.ownership().owns(SignalingCluster.KIND, key)
                        && b.self().equals(a.ownership().owner(SignalingCluster.KIND, key)));
                // and the room comes together again: each side hears peer_joined for the other's members
                List<Map<String, Object>> atDave = List.of(dave.nextJson(), dave.nextJson(), dave.nextJson());
                assertEquals(Set.of(left("erin"), joined("erin"), joined("ivy")), Set.copyOf(atDave));
                assertTrue(atDave.indexOf(left("erin")) < atDave.indexOf(joined("erin")), "the old erin leaves first: " + atDave);
                assertEquals(joined("dave"), ivy.nextJson());
                assertEquals(joined("dave"), newer.nextJson());
                dave.sendJson("type", "offer", "target_id", "erin", "sdp", "after");
                assertEquals(Map.of("type", "offer", "sender_id", "dave", "sdp", "after"), newer.nextJson(),
                        "the newer erin is the one that is reached");
                ivy.sendJson("type", "answer", "target_id", "dave", "sdp", "across");
                assertEquals(Map.of("type", "answer", "sender_id", "ivy", "sdp", "across"), dave.nextJson());
                try (TestClient joe = register(cluster.node(0), "joe", "solo")) {
                    assertEquals(List.of("hal"), joe.nextJson().get("peers"),
                            "Redis came back empty, and node 1 wrote its members back into their rooms");
                    assertEquals(joined("joe"), hal.nextJson());
                }
                assertEquals(left("joe"), hal.nextJson());
                assertFalse(newer.isClosed());
                newer.expectNothing(100);
                ivy.expectNothing(0);
            }
        }
    }

    private static Map<String, Object> joined(String id) {
        return Map.of("type", "peer_joined", "client_id", id, "client_type", "t-" + id);
    }

    private static Map<String, Object> left(String id) {
        return Map.of("type", "peer_left", "client_id", id);
    }

    @Test
    void aPeerWhoseNodeDiesLeavesItsRoom() throws Exception {
        try (TestCluster cluster = TestCluster.start(REDIS, 2);
             TestClient frank = register(cluster.node(0), "frank", "r")) {
            frank.nextJson();
            TestClient gina = register(cluster.node(1), "gina", "r");
            gina.nextJson();
            assertEquals("peer_joined", frank.nextJson().get("type"));
            cluster.node(1).server().cluster().crash();
            assertEquals(Map.of("type", "peer_left", "client_id", "gina"), frank.nextJson());
            gina.abort();
            try (TestClient hank = register(cluster.node(0), "hank", "r")) {
                assertEquals(List.of("frank"), hank.nextJson().get("peers"), "the dead node's members are not listed");
            }
        }
    }

    @Test
    void pairsRegisteringAtOnceOnTwoNodesAlwaysFindEachOtherAndRoomsAreLeftCleanly() throws Exception {
        int pairs = 100;
        try (TestCluster cluster = TestCluster.start(REDIS, 2)) {
            java.util.List<TestClient> callers = new java.util.ArrayList<>();
            java.util.List<TestClient> callees = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < pairs; i++) {
                    callers.add(TestClient.connect(cluster.node(0).uri("/signaling")));
                    callees.add(TestClient.connect(cluster.node(1).uri("/signaling")));
                }
                // both sides of every room register at the same moment, on different nodes
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                List<Thread> threads = new java.util.ArrayList<>();
                for (int i = 0; i < pairs; i++) {
                    for (String side : new String[] {"a", "b"}) {
                        TestClient c = (side.equals("a") ? callers : callees).get(i);
                        String id = side + i;
                        String room = "room" + i;
                        threads.add(Thread.ofVirtual().start(() -> {
                            try {
                                go.await();
                                c.sendJson("type", "register", "client_id", id, "room_id", room, "client_type", "t");
                            } catch (Exception e) {
                                throw new RuntimeException(e);
                            }
                        }));
                    }
                }
                go.countDown();
                for (Thread t : threads) {
                    t.join();
                }
                for (int i = 0; i < pairs; i++) {
                    // each side learns of the other exactly once: in its registered.peers or by a peer_joined
                    assertKnows(callers.get(i), "b" + i);
                    assertKnows(callees.get(i), "a" + i);
                    callees.get(i).sendJson("type", "offer", "target_id", "a" + i, "sdp", "s" + i);
                    assertEquals(Map.of("type", "offer", "sender_id", "b" + i, "sdp", "s" + i), callers.get(i).nextJson());
                }
            } finally {
                for (TestClient c : callers) {
                    c.close();
                }
                for (TestClient c : callees) {
                    c.close();
                }
            }
            for (int n = 0; n < 2; n++) {
                TestServer node = cluster.node(n);
                relay.testing.TestClient.await("node " + n + " left every room topic", () -> {
                    for (int i = 0; i < pairs; i++) {
                        if (node.server().cluster().bus().holds("signaling:\"room" + i + "\"")) {
                            return false;
                        }
                    }
                    return true;
                });
            }
        }
    }

    private static void assertKnows(TestClient client, String other) throws InterruptedException {
        Map<String, Object> registered = client.nextJson();
        assertEquals("registered", registered.get("type"));
        if (!((List<?>) registered.get("peers")).contains(other)) {
            Map<String, Object> joined = client.nextJson();
            assertEquals("peer_joined", joined.get("type"), String.valueOf(joined));
            assertEquals(other, joined.get("client_id"));
        }
    }
}
