package relay.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static relay.testing.TestClient.await;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import relay.config.ClusterConfig;
import relay.metrics.ClusterCounters;
import relay.testing.RedisServer;
import relay.testing.TestClient;
import relay.testing.TestServer;

/** Redis dies mid-run and comes back: local traffic never stops, cross-node traffic resumes, drops are counted. */
@Timeout(40)
class RedisFailureIT {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    @Test
    void localTrafficGoesOnWhileRedisIsDownAndCrossNodeTrafficResumes() throws Exception {
        ClusterConfig config = REDIS.cluster();
        try (TestServer a = TestServer.start(c -> c.withCluster(config));
             TestServer b = TestServer.start(c -> c.withCluster(config));
             TestClient echo = TestClient.connect(a.uri("/echo"))) {
            Cluster nodeA = a.server().cluster();
            Cluster nodeB = b.server().cluster();
            ClusterCounters counters = a.server().metrics().cluster;
            BlockingQueue<String> atB = new LinkedBlockingQueue<>();
            nodeB.bus().on(MessageKind.BROADCAST_FRAME, e -> atB.add(new String(e.payload(), StandardCharsets.UTF_8)));
            assertTrue(nodeA.awaitUp(5_000) && nodeB.awaitUp(5_000));
            await("nodes see each other", () -> nodeA.bus().isAlive(nodeB.self()));
            send(nodeA, nodeB, "before");
            assertEquals("before", atB.poll(5, TimeUnit.SECONDS));
            assertTrue(metrics(a).contains("relay_cluster_link_up 1"));

            REDIS.kill();
            await("a notices", () -> !nodeA.bus().isUp());
            assertEquals(0, counters.linkUp);
            assertTrue(metrics(a).contains("relay_cluster_link_up 0"));
            long dropsBefore = counters.dropsLinkDown.sum();
            for (int i = 0; i < 10; i++) {
                send(nodeA, nodeB, "lost " + i);
            }
            assertTrue(counters.dropsLinkDown.sum() >= dropsBefore + 10, "every undeliverable envelope is counted");
            echo.send("local still works");
            assertEquals("local still works", echo.nextText());

            REDIS.restart();
            await("the link comes back", () -> nodeA.bus().isUp() && nodeB.bus().isUp());
            await("the nodes hear each other again", () -> nodeA.bus().isAlive(nodeB.self()) && nodeB.bus().isAlive(nodeA.self()));
            assertTrue(counters.reconnects.sum() >= 1);
            send(nodeA, nodeB, "after");
            assertEquals("after", atB.poll(5, TimeUnit.SECONDS), "nothing lost is replayed; new traffic flows");
            String page = metrics(a);
            assertTrue(page.contains("relay_cluster_link_up 1"), page);
            assertTrue(page.contains("relay_cluster_drops_total{reason=\"link_down\"}"), page);
            assertTrue(page.contains("relay_cluster_redis_latency_seconds_count"), page);
        }
    }

    @Test
    void redisGoneLongerThanTheNodeTimeoutEndsCrossNodeSessionsWithTheirNoticesAndTheyResumeAfter() throws Exception {
        try (relay.testing.TestCluster cluster = relay.testing.TestCluster.start(REDIS, 2);
             TestClient server = TestClient.connect(cluster.node(0).uri("/carparty"))
                     .sendJson("action", "login_server", "server_code", "R1")) {
            await("R1 owned", () -> cluster.node(1).server().cluster().ownership().owner("carparty", "R1") != null);
            TestClient phone = TestClient.connect(cluster.node(1).uri("/carparty"))
                    .sendJson("action", "login_client", "server_code", "R1", "client_id", "p");
            assertEquals(java.util.Map.of("action", "connect", "client_id", "p"), server.nextJson());

            REDIS.kill();
            phone.send("{\"lost\":true}"); // cannot cross: counted
            phone.expectClose(1001); // after the node timeout its server counts as gone
            assertEquals(java.util.Map.of("action", "disconnect", "client_id", "p"), server.nextJson(),
                    "the server is told its remote client is gone");
            assertTrue(cluster.node(1).server().metrics().cluster.dropsLinkDown.sum() >= 1);
            try (TestClient local = TestClient.connect(cluster.node(0).uri("/carparty"))
                    .sendJson("action", "login_client", "server_code", "R1", "client_id", "near")) {
                assertEquals(java.util.Map.of("action", "connect", "client_id", "near"), server.nextJson(),
                        "local traffic never stopped");
            }
            assertEquals(java.util.Map.of("action", "disconnect", "client_id", "near"), server.nextJson());

            REDIS.restart(); // empty: leases are re-asserted from the nodes
            cluster.awaitMesh();
            await("R1 owned again", () -> cluster.node(0).server().cluster().self().equals(
                    cluster.node(1).server().cluster().ownership().owner("carparty", "R1")));
            try (TestClient again = TestClient.connect(cluster.node(1).uri("/carparty"))
                    .sendJson("action", "login_client", "server_code", "R1", "client_id", "p2")) {
                assertEquals(java.util.Map.of("action", "connect", "client_id", "p2"), server.nextJson());
                again.sendJson("hi", 1);
                assertEquals(java.util.Map.of("hi", 1L, "client_id", "p2"), server.nextJson());
            }
        }
    }

    @Test
    void aServerCodeClaimedOnTwoNodesWhileRedisWasDownStaysWithTheServerThatLoggedInFirst() throws Exception {
        try (relay.testing.TestCluster cluster = relay.testing.TestCluster.start(REDIS, 2);
             TestClient first = TestClient.connect(cluster.node(0).uri("/carparty"))
                     .sendJson("action", "login_server", "server_code", "R2")) {
            Cluster a = cluster.node(0).server().cluster();
            Cluster b = cluster.node(1).server().cluster();
            await("node 1 knows who owns R2", () -> a.self().equals(b.ownership().owner("carparty", "R2")));
            TestClient second;
            try {
                REDIS.kill();
                await("the nodes have given each other up", () -> !a.bus().isAlive(b.self()) && !b.bus().isAlive(a.self()));
                second = TestClient.connect(cluster.node(1).uri("/carparty"))
                        .sendJson("action", "login_server", "server_code", "R2"); // granted locally: node 0 is gone
                try (TestClient phone = TestClient.connect(cluster.node(1).uri("/carparty"))
                        .sendJson("action", "login_client", "server_code", "R2", "client_id", "p")) {
                    assertEquals(java.util.Map.of("action", "connect", "client_id", "p"), second.nextJson(),
                            "node 1 serves its own R2 meanwhile");
                }
                assertEquals(java.util.Map.of("action", "disconnect", "client_id", "p"), second.nextJson());
            } finally {
                REDIS.restart(); // empty, as after a crash: both nodes re-assert R2
            }
            try (second) {
                cluster.awaitMesh();
                // the first server keeps its code, as when both logins reach Redis, whichever node re-asserts first
                assertEquals(new TestClient.Closed(1008, "server_code in use"), second.awaitClose());
                await("both nodes agree that node 0 owns R2", () -> a.ownership().owns("carparty", "R2")
                        && a.self().equals(b.ownership().owner("carparty", "R2")));
                try (TestClient phone = TestClient.connect(cluster.node(1).uri("/carparty"))
                        .sendJson("action", "login_client", "server_code", "R2", "client_id", "q")) {
                    assertEquals(java.util.Map.of("action", "connect", "client_id", "q"), first.nextJson());
                }
                assertFalse(first.isClosed());
            }
        }
    }

    @Test
    void aNodeStartsAndServesLocallyWithoutRedisThenJoinsWhenItAppears() throws Exception {
        REDIS.kill();
        try (TestServer a = TestServer.start(c -> c.withCluster(REDIS.cluster()));
             TestClient echo = TestClient.connect(a.uri("/echo"))) {
            echo.send("hi");
            assertEquals("hi", echo.nextText());
            assertEquals(0, a.server().metrics().cluster.linkUp);
            REDIS.restart();
            await("link up", () -> a.server().cluster().bus().isUp());
        } finally {
            REDIS.restart();
        }
    }

    @Test
    void withoutClusterFlagTheMetricsPageHasNoClusterSection() throws Exception {
        try (TestServer a = TestServer.start()) {
            assertEquals(null, a.server().cluster());
            assertTrue(!metrics(a).contains("relay_cluster_"));
        }
    }

    private static void send(Cluster from, Cluster to, String text) {
        from.bus().toNode(to.self(), MessageKind.BROADCAST_FRAME, 0, new byte[0], null, text.getBytes(StandardCharsets.UTF_8));
    }

    private static String metrics(TestServer server) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.http("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
