package relay.cluster;

import java.net.URI;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;

/**
 * Opens the blocking Jedis connections the cluster uses, one per role (publisher, subscriber, commands),
 * each owned by exactly one thread at a time. Jedis is Redis' own Java client: mature, small, and blocking,
 * which is what virtual threads want (a blocked read parks the virtual thread, not a carrier).
 */
final class RedisLink {
    /** Connecting to a live Redis on a LAN takes well under a millisecond; a second means it is not there. */
    static final int CONNECT_TIMEOUT_MS = 1_000;
    /** Commands answer in microseconds; two seconds of silence means the link is gone. */
    static final int SOCKET_TIMEOUT_MS = 2_000;

    private final HostAndPort address;
    private final JedisClientConfig clientConfig;

    RedisLink(URI redis, String clientName) {
        this.address = new HostAndPort(redis.getHost(), redis.getPort() > 0 ? redis.getPort() : 6379);
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .autoNegotiateProtocol(false) // RESP2: plain pub/sub on a dedicated connection, any Redis >= 2.6
                .connectionTimeoutMillis(CONNECT_TIMEOUT_MS)
                .socketTimeoutMillis(SOCKET_TIMEOUT_MS)
                .clientName(clientName);
        String userInfo = redis.getUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                builder.password(userInfo);
            } else {
                if (colon > 0) {
                    builder.user(userInfo.substring(0, colon));
                }
                builder.password(userInfo.substring(colon + 1));
            }
        }
        String path = redis.getPath();
        if (path != null && path.length() > 1) {
            builder.database(Integer.parseInt(path.substring(1)));
        }
        this.clientConfig = builder.build();
    }

    /** A new connection; throws a JedisException if Redis cannot be reached. */
    Jedis open() {
        Jedis jedis = new Jedis(address, clientConfig);
        jedis.ping();
        return jedis;
    }

    String address() {
        return address.toString();
    }

    static void closeQuietly(Jedis jedis) {
        if (jedis != null) {
            try {
                jedis.close();
            } catch (RuntimeException ignored) {
                // the link is already broken; nothing left to release
            }
        }
    }
}
