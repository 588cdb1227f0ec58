package relay.net;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Every connection between accept and release, so that timeouts can be swept, shutdown can reach everyone,
 * and tests can check that nothing is left behind. Thread-safe; iteration is weakly consistent.
 */
public final class ConnectionRegistry {
    private final Set<Connection> live = ConcurrentHashMap.newKeySet();

    void add(Connection connection) {
        live.add(connection);
    }

    void remove(Connection connection) {
        live.remove(connection);
    }

    public int size() {
        return live.size();
    }

    public void forEach(Consumer<Connection> action) {
        live.forEach(action);
    }
}
