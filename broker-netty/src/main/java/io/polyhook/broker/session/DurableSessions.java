package io.polyhook.broker.session;

import io.polyhook.broker.routing.Message;
import io.polyhook.broker.routing.RetainedStore;
import io.polyhook.broker.store.Appended;
import io.polyhook.broker.store.BrokerStore;
import io.polyhook.broker.store.QueueLimits;
import io.polyhook.broker.store.StoreBatch;
import io.polyhook.broker.store.StoreException;
import io.polyhook.broker.store.StoredMessage;
import io.polyhook.broker.store.StoredSession;
import io.polyhook.broker.store.StoredWill;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.TopicSubscription;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The broker's writes to its durable {@link BrokerStore} (absent with {@code persistence.enabled:
 * false}): persistent sessions with their subscriptions, queues and in-flight state, and retained
 * messages. Clean sessions never come here.
 *
 * <p>An inbound QoS 1/2 PUBLISH opens a {@link Scope} on its event loop around the route: every
 * change the route makes (appends to persistent sessions' queues, the retained message) goes into
 * one batch, committed once the route is done; the PUBACK/PUBREC waits for that commit's stage.
 * Changes made outside a scope (the broker's own messages, session lifecycle) commit at once.
 */
@Singleton
public final class DurableSessions implements RetainedStore.Changes {

    private static final Logger LOG = LoggerFactory.getLogger(DurableSessions.class);

    private final BrokerStore store;
    // One reusable scope per thread: opening one per PUBLISH allocates nothing.
    private final ThreadLocal<Scope> scopes;

    /** Writes to {@code store}, or nothing when it is absent. */
    @Inject
    public DurableSessions(Optional<BrokerStore> store) {
        this.store = store.orElse(null);
        this.scopes = ThreadLocal.withInitial(() -> new Scope(this.store));
    }

    /** Whether the broker keeps durable state. */
    public boolean enabled() {
        return store != null;
    }

    /** The store; only when {@link #enabled()}. */
    public BrokerStore store() {
        return store;
    }

    /** The changes one inbound PUBLISH makes, with what runs once they are written. */
    public static final class Scope {
        private final BrokerStore store;
        private boolean open;
        private StoreBatch batch;
        private final List<Runnable> afterWrite = new ArrayList<>(2);

        private Scope(BrokerStore store) {
            this.store = store;
        }

        /** The batch, made on first use: a route that reaches no persistent session writes nothing. */
        public StoreBatch batch() {
            if (batch == null) {
                batch = store.batch();
            }
            return batch;
        }

        void afterWrite(Runnable r) {
            afterWrite.add(r);
        }

        /** Ends the scope: its batch is handed over, the thread's next PUBLISH starts afresh. */
        private StoreBatch end() {
            open = false;
            StoreBatch b = batch;
            batch = null;
            return b;
        }
    }

    /** Opens the scope of one PUBLISH on this thread; end it with {@link #commit}. Only when enabled. */
    public Scope open() {
        Scope s = scopes.get();
        s.open = true;
        return s;
    }

    /**
     * Ends {@code scope}: commits what it wrote, then runs its deliveries. Returns the commit's
     * stage (the acknowledgement waits for it), or null when nothing was written.
     *
     * @throws StoreException if the write failed: nothing of it was stored, nothing may be acknowledged
     */
    public CompletionStage<Void> commit(Scope scope) {
        StoreBatch batch = scope.end();
        if (batch == null) {
            runAfterWrite(scope);
            return null;
        }
        try (StoreBatch b = batch) {
            CompletionStage<Void> stage = b.commit();
            runAfterWrite(scope);
            return stage;
        } finally {
            scope.afterWrite.clear();
        }
    }

    /** Ends {@code scope} without writing (the route failed). */
    public void abandon(Scope scope) {
        StoreBatch batch = scope.end();
        scope.afterWrite.clear();
        if (batch != null) {
            batch.close();
        }
    }

    private static void runAfterWrite(Scope scope) {
        if (!scope.afterWrite.isEmpty()) {
            // A copy: a delivery may route again on this thread (it never opens a scope, but may write alone).
            List<Runnable> after = List.copyOf(scope.afterWrite);
            scope.afterWrite.clear();
            after.forEach(Runnable::run);
        }
    }

    /**
     * Makes {@code change} in the scope open on this thread, else in a batch of its own committed
     * now (in the write-ahead log when this returns); then {@code after} runs, if given.
     */
    void write(Consumer<StoreBatch> change, Runnable after) {
        Scope s = scopes.get();
        if (s.open) {
            change.accept(s.batch());
            if (after != null) {
                s.afterWrite(after);
            }
            return;
        }
        try (StoreBatch b = store.batch()) {
            change.accept(b);
            b.commit();
        } catch (StoreException e) {
            LOG.error("{}", e.getMessage());
            throw e;
        }
        if (after != null) {
            after.run();
        }
    }

    /** Appends {@code m} to the session's queue (in the open scope if any); {@code then} gets the result once written. */
    void append(SubscriberId id, Message m, QueueLimits limits, Consumer<Appended> then) {
        StoredMessage stored = stored(m);
        Appended[] result = new Appended[1];
        write(b -> result[0] = b.append(id, stored, limits), () -> then.accept(result[0]));
    }

    /** The client's PUBREL for its QoS 2 message {@code packetId} came: in the log before the PUBCOMP. */
    public void releasedQos2(SubscriberId id, int packetId) {
        write(b -> b.removeInboundQos2(id, packetId), null);
    }

    /** The session as it is now, connected: a will it kept is cancelled by its return. */
    void putSession(Session s) {
        StoredSession record = record(s, OptionalLong.empty());
        write(b -> {
            b.putSession(record);
            b.removeWill(s.id);
        }, null);
    }

    /** Keeps the session's will until {@code delaySeconds} from now. */
    void putWill(SubscriberId id, Message will, long delaySeconds) {
        StoredWill w = new StoredWill(stored(will), System.currentTimeMillis() + delaySeconds * 1000L);
        write(b -> b.putWill(id, w), null);
    }

    /** The will was published. */
    void removeWill(SubscriberId id) {
        write(b -> b.removeWill(id), null);
    }

    /** The session, disconnected now. */
    void disconnected(Session s) {
        StoredSession record = record(s, OptionalLong.of(System.currentTimeMillis()));
        write(b -> b.putSession(record), null);
    }

    void removeSession(SubscriberId id) {
        write(b -> b.removeSession(id), null);
    }

    void putSubscription(SubscriberId id, TopicSubscription sub) {
        write(b -> b.putSubscription(id, sub), null);
    }

    void removeSubscription(SubscriberId id, String filter) {
        write(b -> b.removeSubscription(id, filter), null);
    }

    private static StoredSession record(Session s, OptionalLong disconnectedAt) {
        QueuePolicy p = s.policy();
        return new StoredSession(s.id, s.version(), s.expirySeconds(), disconnectedAt, p.maxOfflineMessages(),
                p.lastInFirstOut(), p.upgradeQos(), s.username());
    }

    /** {@code m} as the store keeps it, with wall-clock time. */
    static StoredMessage stored(Message m) {
        return StoredMessage.of(m, System.nanoTime(), System.currentTimeMillis());
    }

    // ---------------------------------------------------------------- retained messages

    @Override
    public void retained(String mountpoint, Message message) {
        StoredMessage stored = stored(message);
        write(b -> b.putRetained(mountpoint, stored), null);
    }

    @Override
    public void cleared(String mountpoint, String topic) {
        write(b -> b.removeRetained(mountpoint, topic), null);
    }
}
