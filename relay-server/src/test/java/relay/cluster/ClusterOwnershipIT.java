package relay.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static relay.testing.TestClient.await;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import relay.config.ClusterConfig;
import relay.metrics.ClusterCounters;
import relay.testing.RedisServer;

@Timeout(30)
class ClusterOwnershipIT {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    private static Cluster node(ClusterConfig config) {
        Cluster cluster = Cluster.start(config, new ClusterCounters());
        assertTrue(cluster.awaitUp(5_000), "link up");
        return cluster;
    }

    @Test
    void anIdHasOneOwnerClusterWideUntilReleased() throws Exception {
        ClusterConfig config = REDIS.cluster();
        try (Cluster a = node(config); Cluster b = node(config)) {
            assertTrue(a.ownership().claim("carparty", "C1"));
            assertTrue(a.ownership().claim("carparty", "C1"), "claiming again is idempotent");
            assertFalse(b.ownership().claim("carparty", "C1"));
            assertEquals(a.self(), b.ownership().owner("carparty", "C1"));
            assertEquals(a.self(), a.ownership().owner("carparty", "C1"));
            assertTrue(b.ownership().claim("booth", "C1"), "kinds are separate namespaces");

            a.ownership().release("carparty", "C1");
            await("b's cached owner is invalidated", () -> b.ownership().owner("carparty", "C1") == null);
            assertTrue(b.ownership().claim("carparty", "C1"));
            await("a learns the new owner", () -> b.self().equals(a.ownership().owner("carparty", "C1")));
        }
    }

    @Test
    void outlivesManyLeasesWhileRenewed() throws Exception {
        ClusterConfig config = REDIS.cluster();
        try (Cluster a = node(config); Cluster b = node(config)) {
            assertTrue(a.ownership().claim("booth", "B"));
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3 * config.leaseMs());
            while (System.nanoTime() < until) {
                assertFalse(b.ownership().claim("booth", "B"), "still a's after " + config.leaseMs() + " ms leases");
                Thread.sleep(250);
            }
        }
    }

    @Test
    void aCrashedNodesIdsFreeThemselvesWithinOneLease() throws Exception {
        ClusterConfig config = REDIS.cluster();
        try (Cluster b = node(config)) {
            Cluster a = node(config);
            assertTrue(a.ownership().claim("carparty", "CRASH"));
            a.crash(); // stops renewing, releases nothing, says no goodbye
            long crashedAt = System.nanoTime();
            assertFalse(b.ownership().claim("carparty", "CRASH"));
            await("the lease expires", () -> b.ownership().claim("carparty", "CRASH"));
            long freedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashedAt);
            assertTrue(freedAfterMs <= config.leaseMs() + 500, "freed after " + freedAfterMs + " ms");
        }
    }

    @Test
    void takingOverTellsThePreviousOwnerItLostTheId() throws Exception {
        ClusterConfig config = REDIS.cluster();
        try (Cluster a = node(config); Cluster b = node(config)) {
            BlockingQueue<String> lostAtA = new LinkedBlockingQueue<>();
            a.ownership().onLost("booth", (id, newOwner) -> lostAtA.add(id + "->" + newOwner));
            await("b is subscribed", () -> a.bus().isAlive(b.self()) && b.bus().isAlive(a.self()));
            assertTrue(a.ownership().claim("booth", "42"));
            assertEquals(a.self(), b.ownership().takeOver("booth", "42"));
            assertEquals("42->" + b.self(), lostAtA.poll(5, TimeUnit.SECONDS));
            assertFalse(a.ownership().owns("booth", "42"));
            assertTrue(b.ownership().owns("booth", "42"));
            assertNull(b.ownership().takeOver("booth", "42"), "taking over one's own id reports no previous owner");
        }
    }
}
