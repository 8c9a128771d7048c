package io.polyhook.broker.cluster;

import io.polyhook.broker.config.ClusterSettings;
import io.polyhook.broker.routing.Message;
import io.polyhook.spi.Registration;
import io.polyhook.spi.SubscriberId;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The cluster of one node ({@code cluster.enabled: false}): no peers, so no route is published,
 * nothing is sent, retained messages stay in the local store and commands run here only. What
 * costs something per message or per subscription does nothing at all; ownership keeps epochs in
 * a map so that the broker code is the same with and without a cluster.
 */
public final class StandaloneCluster implements Cluster {

    private static final Registration NOTHING = () -> { };

    private final ClusterSettings settings;
    private final ClusterView view;
    private final LocalOwnership ownership = new LocalOwnership();
    private final LocalTables tables = new LocalTables();
    private final LocalCommands commands = new LocalCommands();
    private final AtomicLong sequence = new AtomicLong();

    /** A single node named after {@code settings.nodeName()}. */
    public StandaloneCluster(ClusterSettings settings) {
        this.settings = settings;
        this.view = ClusterView.alone(settings.nodeName());
    }

    @Override
    public ClusterSettings settings() {
        return settings;
    }

    private final Membership membership = new Membership() {
        @Override
        public ClusterView view() {
            return view;
        }

        @Override
        public Registration onViewChange(Consumer<ClusterView> listener) {
            return NOTHING;
        }

        @Override
        public boolean forget(String node) {
            return false;
        }
    };

    @Override
    public Membership membership() {
        return membership;
    }

    private final RouteTable routes = new RouteTable() {
        @Override
        public void add(String mountpoint, String filter, boolean online) {
        }

        @Override
        public void remove(String mountpoint, String filter, boolean online) {
        }

        @Override
        public void online(String mountpoint, String filter, boolean online) {
        }

        @Override
        public RemoteMatch match(String mountpoint, String topic) {
            return RemoteMatch.NONE;
        }

        @Override
        public Map<String, List<Route>> snapshot() {
            return Map.of();
        }
    };

    @Override
    public RouteTable routes() {
        return routes;
    }

    @Override
    public SessionOwnership ownership() {
        return ownership;
    }

    private final DataPlane dataPlane = new DataPlane() {
        @Override
        public MessageId newId() {
            return new MessageId(settings.nodeName(), sequence.incrementAndGet());
        }

        @Override
        public boolean send(String node, RemoteDelivery delivery) {
            return false;
        }

        @Override
        public Registration onDelivery(Consumer<RemoteDelivery> handler) {
            return NOTHING;
        }

        @Override
        public Stats stats() {
            return new Stats(0, 0, 0, 0, 0);
        }
    };

    @Override
    public DataPlane dataPlane() {
        return dataPlane;
    }

    private final ClusterRetained retained = new ClusterRetained() {
        @Override
        public void retain(String mountpoint, Message message) {
        }

        @Override
        public Registration onChange(BiConsumer<String, Message> listener) {
            return NOTHING;
        }

        @Override
        public void forEach(BiConsumer<String, Message> sink) {
        }
    };

    @Override
    public ClusterRetained retained() {
        return retained;
    }

    @Override
    public ClusterTables tables() {
        return tables;
    }

    @Override
    public ClusterCommands commands() {
        return commands;
    }

    @Override
    public void close() {
    }

    /** Epochs in a map: the previous owner is always this node, whose registry handles the takeover itself. */
    private final class LocalOwnership implements SessionOwnership {

        private final Map<SubscriberId, Owner> owners = new ConcurrentHashMap<>();

        @Override
        public CompletionStage<Claim> claim(SubscriberId id) {
            AtomicReference<Owner> previous = new AtomicReference<>();
            Owner next = owners.compute(id, (k, old) -> {
                previous.set(old);
                return new Owner(settings.nodeName(), old == null ? 1 : old.epoch() + 1);
            });
            return CompletableFuture.completedFuture(new Claim(id, next, Optional.ofNullable(previous.get())));
        }

        @Override
        public CompletionStage<Map<SubscriberId, Owner>> reclaim(Collection<SubscriberId> ids) {
            Map<SubscriberId, Owner> now = new HashMap<>();
            for (SubscriberId id : ids) {
                now.put(id, claim(id).toCompletableFuture().join().owner());
            }
            return CompletableFuture.completedFuture(now);
        }

        @Override
        public CompletionStage<Optional<Owner>> owner(SubscriberId id) {
            return CompletableFuture.completedFuture(Optional.ofNullable(owners.get(id)));
        }

        @Override
        public CompletionStage<Optional<IncomingSession>> takeOver(Claim claim, boolean cleanStart) {
            if (!claim.owner().equals(owners.get(claim.id()))) {
                return CompletableFuture.failedFuture(stale(claim));
            }
            return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public CompletionStage<Boolean> release(Claim claim) {
            return CompletableFuture.completedFuture(owners.remove(claim.id(), claim.owner()));
        }

        @Override
        public CompletionStage<Claim> transfer(Claim claim, String to, OutgoingSession session) {
            return CompletableFuture.failedFuture(new ClusterException(ClusterException.Reason.UNREACHABLE,
                    "a single node has no other node to hand sessions to"));
        }

        @Override
        public CompletionStage<Boolean> isCurrent(Claim claim) {
            return CompletableFuture.completedFuture(claim.owner().equals(owners.get(claim.id())));
        }

        @Override
        public Registration onTakeover(TakeoverHandler handler) {
            return NOTHING;
        }
    }

    private static ClusterException stale(Claim claim) {
        return new ClusterException(ClusterException.Reason.STALE_CLAIM,
                "claim of " + claim.id().clientId() + " at epoch " + claim.epoch() + " is no longer current");
    }

    /** Tables in maps: atomic per key by {@link ConcurrentHashMap}'s own operations. */
    private static final class LocalTables implements ClusterTables {

        private final Map<String, SharedTable> tables = new ConcurrentHashMap<>();

        @Override
        public SharedTable table(String name) {
            return tables.computeIfAbsent(name, LocalTable::new);
        }
    }

    private record LocalTable(String name, Map<String, String> entries) implements SharedTable {

        LocalTable(String name) {
            this(name, new ConcurrentHashMap<>());
        }

        @Override
        public CompletionStage<Optional<String>> get(String key) {
            return CompletableFuture.completedFuture(Optional.ofNullable(entries.get(key)));
        }

        @Override
        public CompletionStage<Void> put(String key, String value) {
            entries.put(key, value);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Boolean> putIfAbsent(String key, String value) {
            return CompletableFuture.completedFuture(entries.putIfAbsent(key, value) == null);
        }

        @Override
        public CompletionStage<Boolean> replace(String key, String expected, String value) {
            return CompletableFuture.completedFuture(entries.replace(key, expected, value));
        }

        @Override
        public CompletionStage<Optional<String>> update(String key, UnaryOperator<Optional<String>> update) {
            return CompletableFuture.completedFuture(Optional.ofNullable(
                    entries.compute(key, (k, v) -> update.apply(Optional.ofNullable(v)).orElse(null))));
        }

        @Override
        public CompletionStage<Boolean> remove(String key) {
            return CompletableFuture.completedFuture(entries.remove(key) != null);
        }

        @Override
        public CompletionStage<Void> clear() {
            entries.clear();
            return CompletableFuture.completedFuture(null);
        }
    }

    /** Commands run on this node only. */
    private final class LocalCommands implements ClusterCommands {

        private volatile Function<ClusterCommand, CompletionStage<CommandOutcome>> handler;

        @Override
        public CompletionStage<Map<String, CommandOutcome>> broadcast(ClusterCommand command) {
            var h = handler;
            if (h == null) {
                return CompletableFuture.completedFuture(Map.of(settings.nodeName(), CommandOutcome.none()));
            }
            return h.apply(command)
                    .exceptionally(e -> new CommandOutcome(false, String.valueOf(e.getMessage())))
                    .thenApply(outcome -> Map.of(settings.nodeName(), outcome));
        }

        @Override
        public Registration onCommand(Function<ClusterCommand, CompletionStage<CommandOutcome>> h) {
            handler = h;
            return () -> handler = null;
        }
    }
}
