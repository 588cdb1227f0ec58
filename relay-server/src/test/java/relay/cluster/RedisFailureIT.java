package relay.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
