package relay.proto.carparty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static relay.testing.TestClient.await;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import relay.testing.RedisServer;
import relay.testing.TestClient;
import relay.testing.TestCluster;
import relay.testing.TestServer;

/** protocols.md "carparty" with the game server on one node and its clients on others (docs/cluster.md). */
@Timeout(40)
class CarpartyClusterIT {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    private static TestClient server(TestServer node, String code) throws Exception {
        return TestClient.connect(node.uri("/carparty")).sendJson("action", "login_server", "server_code", code);
    }

    private static TestClient client(TestServer node, String code, String id) throws Exception {
        return TestClient.connect(node.uri("/carparty")).sendJson("action", "login_client", "server_code", code, "client_id", id);
    }

    private static Map<String, Object> notice(String action, String id) {
        return Map.of("action", action, "client_id", id);
    }

    @Test
    void clientsOnAnyNodeTalkToTheServerWithConnectReceiverIdAndDisconnect() throws Exception {
        try (TestCluster cluster = TestCluster.start(REDIS, 3);
             TestClient server = server(cluster.node(0), "C1")) {
            await("C1 is owned", () -> cluster.node(1).server().cluster().ownership().owner("carparty", "C1") != null);
            try (TestClient far = client(cluster.node(1), "C1", "p1");
                 TestClient near = client(cluster.node(0), "C1", "p2");
                 TestClient twin = client(cluster.node(2), "C1", "p1")) {
                java.util.List<String> connects = new java.util.ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    Map<String, Object> n = server.nextJson();
                    assertEquals("connect", n.get("action"));
                    connects.add((String) n.get("client_id"));
                }
                java.util.Collections.sort(connects);
                assertEquals(java.util.List.of("p1", "p1", "p2"), connects, "one connect per client, duplicates included");

                far.sendJson("speed", 3, "client_id", "forged");
                assertEquals(Map.of("speed", 3L, "client_id", "p1"), server.nextJson());

                server.send("{\"msg\":\"all\"}");
                for (TestClient c : new TestClient[] {far, near, twin}) {
                    assertEquals("{\"msg\":\"all\"}", c.nextText(), "verbatim to every client");
                }
                server.send("{\"receiver_id\":\"p1\",\"m\":2}");
                assertEquals("{\"receiver_id\":\"p1\",\"m\":2}", far.nextText());
                assertEquals("{\"receiver_id\":\"p1\",\"m\":2}", twin.nextText());
                byte[] blob = {0, 1, 2, (byte) 0xFF};
                server.sendBinary(blob);
                assertArrayEquals(blob, far.nextBinary());
                assertArrayEquals(blob, near.nextBinary());
                assertArrayEquals(blob, twin.nextBinary());
                near.expectNothing(100);

                for (int i = 0; i < 100; i++) {
                    twin.sendJson("seq", i);
                }
                twin.close();
                for (int i = 0; i < 100; i++) {
                    assertEquals(Map.of("seq", (long) i, "client_id", "p1"), server.nextJson(), "in order");
                }
                assertEquals(notice("disconnect", "p1"), server.nextJson(), "after every message of that client");

                server.close();
                far.expectClose(1001);
                near.expectClose(1001);
                assertEquals("game server disconnected", far.awaitClose().reason());
            }
        }
    }

    @Test
    void aServerCodeIsUniqueClusterWideAndFreeAgainWhenItsServerLeaves() throws Exception {
        try (TestCluster cluster = TestCluster.start(REDIS, 2)) {
            TestClient first = server(cluster.node(0), "C2");
            await("C2 is owned", () -> cluster.node(0).server().cluster().ownership().owns("carparty", "C2"));
            try (TestClient second = server(cluster.node(1), "C2")) {
                second.expectClose(1008);
                assertEquals("server_code in use", second.awaitClose().reason());
            }
            first.close();
            await("C2 is released", () -> !cluster.node(0).server().cluster().ownership().owns("carparty", "C2"));
            try (TestClient again = server(cluster.node(1), "C2");
                 TestClient phone = client(cluster.node(0), "C2", "x")) {
                assertEquals(notice("connect", "x"), again.nextJson());
            }
            try (TestClient stray = client(cluster.node(1), "NOPE", "y")) {
                stray.expectClose(1008);
            }
        }
    }

    @Test
    void aLoneSurrogateInACodeOrClientIdCrossesNodesIntactAndIsNotAQuestionMark() throws Exception {
        String lone = "\ud800";
        try (TestCluster cluster = TestCluster.start(REDIS, 2);
             TestClient surrogate = server(cluster.node(0), lone);
             TestClient question = server(cluster.node(0), "?")) {
            await("both codes are owned", () -> cluster.node(1).server().cluster().ownership().owner("carparty", lone) != null
                    && cluster.node(1).server().cluster().ownership().owner("carparty", "?") != null);
            try (TestClient phone = client(cluster.node(1), lone, "\udc00x");
                 TestClient other = client(cluster.node(1), "?", "?x")) {
                assertEquals(notice("connect", "\udc00x"), surrogate.nextJson(), "the room of the lone surrogate");
                assertEquals(notice("connect", "?x"), question.nextJson(), "the room of the question mark");
                phone.sendJson("n", 1);
                assertEquals(Map.of("n", 1L, "client_id", "\udc00x"), surrogate.nextJson());
                surrogate.send("{\"receiver_id\":\"\\udc00x\",\"m\":1}");
                assertEquals("{\"receiver_id\":\"\\udc00x\",\"m\":1}", phone.nextText());
                question.send("{\"m\":2}");
                assertEquals("{\"m\":2}", other.nextText());
                phone.expectNothing(100);
            }
        }
    }

    @Test
    void whenTheServersNodeDiesItsRemoteClientsAreClosedAndAClientsNodeDyingDisconnectsThem() throws Exception {
        try (TestCluster cluster = TestCluster.start(REDIS, 3);
             TestClient server = server(cluster.node(0), "C3")) {
            await("C3 is owned", () -> cluster.node(0).server().cluster().ownership().owns("carparty", "C3"));
            TestClient onDoomed = client(cluster.node(2), "C3", "doomed");
            assertEquals(notice("connect", "doomed"), server.nextJson());
            cluster.node(2).server().cluster().crash(); // node 2 stops talking to Redis, as if it had died
            assertEquals(notice("disconnect", "doomed"), server.nextJson(), "after the node timeout");
            onDoomed.abort();

            TestClient orphan = client(cluster.node(1), "C3", "orphan");
            assertEquals(notice("connect", "orphan"), server.nextJson());
            cluster.node(0).server().cluster().crash();
            orphan.expectClose(1001);
        }
    }
}
