package relay.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import relay.cluster.Cluster;
import relay.config.ClusterConfig;

/**
 * Several in-process relay nodes on loopback sharing one test Redis ({@link RedisServer}) as a cluster, started
 * together and closed by try-with-resources. {@link #start} returns once every node's Redis link is up and every
 * node hears every other, so a test's first cross-node message has somewhere to go.
 */
public final class TestCluster implements AutoCloseable {
    private final ClusterConfig config;
    private final List<TestServer> nodes = new ArrayList<>();

    private TestCluster(ClusterConfig config) {
        this.config = config;
    }

    public static TestCluster start(RedisServer redis, int nodes) throws Exception {
        TestCluster cluster = new TestCluster(redis.cluster());
        try {
            for (int i = 0; i < nodes; i++) {
                cluster.add();
            }
            cluster.awaitMesh();
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Starts one more node in the same cluster (call {@link #awaitMesh} before relying on it). */
    public TestServer add() throws IOException {
        TestServer node = TestServer.start(c -> c.withCluster(config));
        nodes.add(node);
        return node;
    }

    /** Waits until every node's link is up and every node hears every other. */
    public void awaitMesh() throws InterruptedException {
        TestClient.await("a cluster of " + nodes.size() + " nodes", () -> {
            for (TestServer a : nodes) {
                Cluster ca = a.server().cluster();
                if (!ca.bus().isUp()) {
                    return false;
                }
                for (TestServer b : nodes) {
                    if (a != b && !ca.bus().isAlive(b.server().cluster().self())) {
                        return false;
                    }
                }
            }
            return true;
        });
    }

    public TestServer node(int i) {
        return nodes.get(i);
    }

    public ClusterConfig config() {
        return config;
    }

    @Override
    public void close() {
        for (TestServer node : nodes) {
            node.close();
        }
    }
}
