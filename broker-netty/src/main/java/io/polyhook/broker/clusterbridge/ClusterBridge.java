package io.polyhook.broker.clusterbridge;

import io.polyhook.broker.cluster.Cluster;
import io.polyhook.broker.cluster.ClusterCommand;
import io.polyhook.broker.cluster.CommandOutcome;
import io.polyhook.broker.routing.Router;
import io.polyhook.broker.session.SessionRegistry;
import io.polyhook.core.script.ScriptLoadException;
import io.polyhook.core.script.internal.ScriptManager;
import io.polyhook.spi.Registration;
import io.polyhook.provider.authcache.AuthCache;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * This node's broker plugged into its cluster: {@link #connect} wires routing, sessions, retained
 * messages and commands before the listeners bind; {@link #leave} hands the persistent sessions
 * over and leaves the cluster once the clients are gone. With a single node
 * ({@code cluster.enabled: false}) nothing is plugged in and the broker runs as it always did.
 */
public final class ClusterBridge implements AutoCloseable {

    private final Cluster cluster;
    private final Router router;
    private final SessionRegistry sessions;
    private final ClusterSessions owners;
    private final ClusterRouting routing;
    private final List<Registration> registrations;

    private ClusterBridge(Cluster cluster, Router router, SessionRegistry sessions, ClusterSessions owners,
                          ClusterRouting routing, List<Registration> registrations) {
        this.cluster = cluster;
        this.routing = routing;
        this.router = router;
        this.sessions = sessions;
        this.owners = owners;
        this.registrations = registrations;
    }

    /** Wires {@code cluster} into the broker; a disabled cluster wires nothing. */
    public static ClusterBridge connect(Cluster cluster, Router router, SessionRegistry sessions, AuthCache authCache,
                                        ScriptManager scripts) {
        if (!cluster.settings().enabled()) {
            return new ClusterBridge(cluster, router, sessions, null, null, List.of());
        }
        MessageForwarding forwarding = new MessageForwarding(cluster, sessions.handover());
        ClusterRouting routing = new ClusterRouting(cluster, router, forwarding);
        ClusterSessions owners = new ClusterSessions(cluster, sessions, forwarding);
        // What the others retained before this node came.
        cluster.retained().forEach(router.retained()::retain);
        List<Registration> registrations = List.of(
                cluster.retained().onChange(router.retained()::retain),
                cluster.dataPlane().onDelivery(routing::received),
                cluster.dataPlane().onForward(forwarding::forwarded),
                cluster.ownership().onTakeover(owners),
                cluster.commands().onCommand(command -> run(command, sessions, authCache, scripts)));
        router.tree().listener(routing);
        router.remote(routing);
        sessions.cluster(owners);
        return new ClusterBridge(cluster, router, sessions, owners, routing, registrations);
    }

    /** The cluster this node is in. */
    public Cluster cluster() {
        return cluster;
    }

    private static CompletionStage<CommandOutcome> run(ClusterCommand command, SessionRegistry sessions,
                                                       AuthCache authCache, ScriptManager scripts) {
        return switch (command) {
            case ClusterCommand.Disconnect d -> CompletableFuture.completedFuture(
                    sessions.disconnectClient(d.id(), d.cleanup()) ? new CommandOutcome(true, "disconnected")
                            : CommandOutcome.none());
            case ClusterCommand.ReauthorizeSubscriptions r -> sessions.reauthorizeSubscriptions(r.id(), r.username())
                    .thenApply(v -> new CommandOutcome(true, "re-authorized"));
            case ClusterCommand.InvalidateAuthClient c -> CompletableFuture.completedFuture(
                    new CommandOutcome(authCache.invalidate(c.id()), "invalidated"));
            case ClusterCommand.InvalidateAuthUser u -> CompletableFuture.completedFuture(new CommandOutcome(true,
                    (u.mountpoint().isPresent() ? authCache.invalidateUser(u.mountpoint().get(), u.username())
                            : authCache.invalidateUser(u.username())) + " entries invalidated"));
            case ClusterCommand.InvalidateAuthAll a -> CompletableFuture.completedFuture(
                    new CommandOutcome(true, authCache.invalidateAll() + " entries invalidated"));
            case ClusterCommand.Script s -> CompletableFuture.completedFuture(script(scripts, s));
        };
    }

    /** Loads, reloads or unloads a script here; a failure is this node's outcome, not an exception. */
    private static CommandOutcome script(ScriptManager scripts, ClusterCommand.Script s) {
        Path path = Path.of(s.path());
        try {
            switch (s.action()) {
                case LOAD -> scripts.load(path);
                case RELOAD -> scripts.reload(path);
                case UNLOAD -> scripts.unload(path);
            }
            return new CommandOutcome(true, s.action().name().toLowerCase(java.util.Locale.ROOT) + "ed " + path);
        } catch (RuntimeException | ScriptLoadException e) {
            return new CommandOutcome(false, String.valueOf(e.getMessage()));
        }
    }

    /**
     * Leaves the cluster cleanly, once the broker's clients are gone: hands the persistent
     * sessions to the other nodes (waiting up to {@code timeoutMillis}), withdraws this node's
     * routes and waits until the peers route nothing more here (up to {@code timeoutMillis}
     * again), then leaves. Until then this node still takes what the peers route here and
     * forwards it to the sessions' new owners: unplugged earlier, it would drop it.
     */
    public void leave(long timeoutMillis) {
        if (owners != null) {
            owners.handOverAll(timeoutMillis);
            cluster.withdrawRoutes(Duration.ofMillis(timeoutMillis));
        }
        close();
    }

    /** Unplugs the cluster and leaves it (without handing sessions over). */
    @Override
    public void close() {
        if (owners != null) {
            router.remote(null);
            router.tree().listener(null);
            routing.close();
            sessions.cluster(io.polyhook.broker.session.ClusterSeam.SINGLE_NODE);
            registrations.forEach(Registration::close);
        }
        cluster.close();
    }
}
