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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

    /**
     * The re-assertion rules of {@link ClusterOwnership#CLAIM}, played against a value another node wrote first
     * (so both orders of two nodes' re-assertions are covered): {@code existing} (null: none; A is the other
     * node), the rule, this node's token and AT; whether this node ends up holding the id.
     */
    @ParameterizedTest(name = "{0} vs rule {1} token {2} at {3}: mine={4}")
    @CsvSource(nullValues = "-", value = {
            "-,         n, 0, 100, true",   // a take-over made during the outage, nobody else: registered
            "A:5:50,    n, 0, 100, true",   // newest wins against an older take-over (one made before the outage)
            "A:5:150:r, n, 0, 100, false",  // and loses to a newer one re-asserted first
            "A:5:50,    o, 0, 100, false",  // first come: a claim made during the outage loses to an older one
            "A:5:150:r, o, 0, 100, true",   // and wins against a newer one re-asserted first
            "A:5:150:r, c, 3, 100, true",   // a claim from before the outage takes its id back from a newer re-assertion
            "A:5:150,   c, 3, 100, false",  // but not from a claim made since its lease ran out
            "A:5:50:r,  c, 3, 100, false",  // nor from an older re-assertion
            "A:5:50,    0, 3, 100, false",  // a take-over's renewal never takes an id back
            "-,         c, 7, 100, true"})  // an emptied Redis: the token is written back
    void reassertionAfterAnOutageFollowsEachKindsRule(String existing, String rule, long token, long atMs, boolean mine)
            throws Exception {
        ClusterConfig config = REDIS.cluster();
        NodeId self = NodeId.random();
        NodeId other = NodeId.random();
        String key = config.prefix() + ":own:test:X";
        String counter = config.prefix() + ":own-token";
        try (redis.clients.jedis.Jedis jedis = new redis.clients.jedis.Jedis("127.0.0.1", REDIS.port())) {
            jedis.set(counter, "5");
            if (existing != null) {
                jedis.set(key, existing.replace("A", other.toString()));
            }
            String value = new String((byte[]) jedis.eval(ClusterOwnership.CLAIM, 2, key.getBytes(), counter.getBytes(),
                    self.toString().getBytes(), "10000".getBytes(), Long.toString(token).getBytes(),
                    Long.toString(atMs).getBytes(), rule.getBytes()), java.nio.charset.StandardCharsets.US_ASCII);
            assertEquals(value, jedis.get(key));
            ClusterOwnership.Owner holder = ClusterOwnership.Owner.parse(value);
            assertEquals(mine ? self : other, holder.node(), value);
            if (mine) {
                assertTrue(value.endsWith(":" + atMs + (rule.equals("n") || rule.equals("o") ? ":r" : "")), value);
                long expectedToken = existing == null && token != 0 ? token : 6; // a new owner gets a new token
                assertEquals(expectedToken, holder.token(), value);
                assertTrue(Long.parseLong(jedis.get(counter)) >= holder.token(), "tokens keep growing");
            }
        }
    }
}
