package relay;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import relay.cluster.Cluster;
import relay.config.Limits;
import relay.config.RelayConfig;
import relay.http.HttpRoutes;
import relay.http.MetricsPage;
import relay.metrics.Metrics;
import relay.net.AdmissionControl;
import relay.net.ConnectionRegistry;
import relay.net.Endpoint;
import relay.net.IdleParker;
import relay.net.IdleSweeper;
import relay.net.Listener;
import relay.net.NanoClock;
import relay.net.NetContext;
import relay.net.WriteBufferPool;
import relay.proto.booth.BoothEndpoint;
import relay.proto.broadcast.BroadcastEndpoint;
import relay.proto.broadcast.BroadcastTestPage;
import relay.proto.carparty.CarpartyEndpoint;
import relay.proto.echo.EchoEndpoint;
import relay.proto.signaling.SignalingEndpoint;
import relay.proto.studio.StudioApi;
import relay.proto.studio.StudioCluster;
import relay.proto.studio.StudioEndpoint;
import relay.proto.studio.StudioTables;
import relay.proto.studio.StudioTokenFile;
import relay.route.AutoBinder;
import relay.route.ProtocolRouter;
import relay.ws.CloseCode;
import relay.ws.HttpResponse;

/**
 * The composition root: builds the shared context, the protocols, the router and the listeners from a
 * {@link RelayConfig}, and runs the server's life (start, then a bounded graceful stop).
 */
public final class Server implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger("relay.Server");

    private final RelayConfig config;
    private final Metrics metrics = new Metrics();
    private final ConnectionRegistry connections = new ConnectionRegistry();
    private final ScheduledExecutorService scheduler;
    private final NetContext context;
    private final List<Listener> listeners = new ArrayList<>();
    /** This node's cluster membership with --cluster, else null (no Redis at all). */
    private Cluster cluster;
    private volatile boolean stopped;
    private volatile Map<String, Endpoint> protocolsByName = Map.of();

    public Server(RelayConfig config) {
        this.config = config;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "relay-timers");
            t.setDaemon(true);
            return t;
        });
        this.context = new NetContext(config.limits(), metrics, connections,
                new WriteBufferPool(WriteBufferPool.DEFAULT_BUFFER_BYTES, 256), NanoClock.SYSTEM, scheduler,
                new AdmissionControl(config.admission()), parker(config));
    }

    /**
     * The idle parker routes parked connections' messages itself only on a single node: in a cluster, routing
     * may wait for a Redis round trip, which must hold up one connection, not every parked one.
     */
    private static IdleParker parker(RelayConfig config) {
        Limits limits = config.limits();
        int inPlaceRate = config.cluster() == null ? limits.parkedMessagesPerSecond() : 0;
        return new IdleParker(limits.idleParkMs(), inPlaceRate, NanoClock.SYSTEM);
    }

    /** Binds every listener and starts accepting; throws if a port cannot be bound. */
    public Server start() throws IOException {
        if (config.cluster() != null) {
            cluster = Cluster.start(config.cluster(), metrics.cluster);
        }
        Map<String, Endpoint> protocols = new HashMap<>();
        protocols.put("echo", new EchoEndpoint());
        HttpRoutes http = new HttpRoutes();
        MetricsPage metricsPage = new MetricsPage(metrics, connections, context.parker());
        http.exact("/healthz", r -> HttpResponse.json(200,
                "{\"status\":\"ok\",\"connections\":" + metrics.connectionsOpen.sum() + "}"));
        http.exact("/metrics", r -> metricsPage.render());
        // Protocols register their endpoint under their protocols.md name and their HTTP routes here.
        StudioTables studioTables = new StudioTables(Clock.systemDefaultZone());
        protocols.put("studio", new StudioEndpoint(studioTables, StudioTokenFile.openOrWarn(config.studioTokens()), metrics));
        new StudioApi(studioTables).register(http);
        if (cluster != null) {
            new StudioCluster(cluster, studioTables);
        }
        protocols.put("signaling", new SignalingEndpoint(metrics, cluster, config.admission().signalingSecret()));
        protocols.put("booth", new BoothEndpoint(metrics, cluster));
        protocols.put("broadcast", new BroadcastEndpoint(cluster));
        protocols.put("carparty", new CarpartyEndpoint(metrics, cluster, config.admission().carpartySecret()));
        BroadcastTestPage.register(http);
        protocols.forEach((name, endpoint) -> metrics.registerEndpoint(endpoint, name));
        ProtocolRouter router = new ProtocolRouter(protocols, new AutoBinder(protocols, config.studioIdleWindowMs(), metrics), http);
        protocolsByName = Map.copyOf(protocols);
        try {
            for (var spec : config.listeners()) {
                Listener listener = new Listener(spec, router, context);
                listeners.add(listener);
            }
        } catch (IOException e) {
            listeners.forEach(Listener::close);
            if (cluster != null) {
                cluster.close();
            }
            throw e;
        }
        long sweepMs = IdleSweeper.periodMs(config.limits());
        scheduler.scheduleAtFixedRate(new IdleSweeper(context), sweepMs, sweepMs, TimeUnit.MILLISECONDS);
        for (Listener listener : listeners) {
            listener.start();
            LOG.info("Listening on ws://" + listener.spec().host() + ":" + listener.port() + " (" + listener.spec().mode() + ")");
        }
        return this;
    }

    /** The bound port of the i-th listener (useful with port 0). */
    public int port(int listenerIndex) {
        return listeners.get(listenerIndex).port();
    }

    public int port() {
        return port(0);
    }

    /** The endpoint serving a protocol (by its protocols.md name), or null; for tests and operations. */
    public Endpoint protocol(String name) {
        return protocolsByName.get(name);
    }

    public Metrics metrics() {
        return metrics;
    }

    /** This node's cluster membership, or null when it runs alone. */
    public Cluster cluster() {
        return cluster;
    }

    public ConnectionRegistry connections() {
        return connections;
    }

    /** The idle parker holding this server's silent connections; for tests and operations. */
    public IdleParker parker() {
        return context.parker();
    }

    /**
     * Stops accepting, closes every connection with 1001 and waits up to the shutdown timeout for their
     * closing handshakes; whatever is still open then is dropped.
     */
    @Override
    public void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        listeners.forEach(Listener::close);
        int open = connections.size();
        if (open > 0) {
            LOG.info("Shutting down: closing " + open + " connections");
        }
        connections.forEach(c -> c.close(CloseCode.GOING_AWAY, "server shutting down"));
        long deadline = System.nanoTime() + config.shutdownTimeoutMs() * 1_000_000;
        while (connections.size() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        connections.forEach(relay.net.Connection::abortNow);
        context.parker().close(); // after the aborts, which resume parked connections so that they are released
        if (cluster != null) {
            cluster.close(); // after the connections, so that their disconnect notices reach other nodes
        }
        scheduler.shutdownNow();
        LOG.info("Stopped");
    }
}
