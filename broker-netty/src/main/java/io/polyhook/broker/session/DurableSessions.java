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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The broker's writes to its durable {@link BrokerStore} (absent with {@code persistence.enabled:
 * false}): persistent sessions with their subscriptions, queues and in-flight state, and retained
 * messages. Clean sessions never come here.
 *
 * <p>An inbound QoS 1/2 PUBLISH opens a {@link Scope} on its event loop around the route: every
 * change the route makes (appends to persistent sessions' queues, the retained message) goes into
 * the batch of the loop's current pass, which every PUBLISH the pass reads shares and one task
 * commits at its end; the PUBACK/PUBREC waits for that commit's stage. Changes made outside a
 * scope (the broker's own messages, session lifecycle) commit at once, after the pending pass.
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

    /**
     * The changes the inbound PUBLISHes of one event-loop pass make, with what runs once they are
     * written: the routes of a burst add to one batch, committed by one task at the end of the
     * pass (one write-ahead log write for many PUBLISHes), then their deliveries run and their
     * acknowledgements may go out. One per thread.
     */
    public static final class Scope {
        private final BrokerStore store;
        private final Runnable commitTask = this::commitBurst;
        // A route is running on this thread.
        private boolean open;
        // The running route changed something.
        private boolean wrote;
        // The burst's changes, its deliveries, and what its acknowledgements wait for; null when none is pending.
        private StoreBatch batch;
        private final List<Runnable> afterWrite = new ArrayList<>(2);
        private CompletableFuture<Void> done;
        private Executor loop;

        private Scope(BrokerStore store) {
            this.store = store;
        }

        /** The burst's batch, made on first use: a route that reaches no persistent session writes nothing. */
        public StoreBatch batch() {
            wrote = true;
            if (batch == null) {
                batch = store.batch();
            }
            return batch;
        }

        void afterWrite(Runnable r) {
            afterWrite.add(r);
        }

        /** Writes the burst now, if one is pending; its deliveries run, its stage completes. */
        private void commitBurst() {
            StoreBatch b = batch;
            CompletableFuture<Void> d = done;
            batch = null;
            done = null;
            loop = null;
            if (b == null) {
                return;
            }
            CompletionStage<Void> stage;
            try (b) {
                stage = b.commit();
            } catch (StoreException e) {
                LOG.error("{}", e.getMessage());
                afterWrite.clear();
                if (d != null) {
                    d.completeExceptionally(e);
                }
                return;
            }
            runAfterWrite(this);
            if (d != null) {
                stage.whenComplete((v, e) -> {
                    if (e != null) {
                        d.completeExceptionally(e);
                    } else {
                        d.complete(null);
                    }
                });
            }
        }
    }

    /** Opens the scope of one PUBLISH on this thread; end it with {@link #commit}. Only when enabled. */
    public Scope open() {
        Scope s = scopes.get();
        s.open = true;
        s.wrote = false;
        return s;
    }

    /**
     * Ends {@code scope}: what the route wrote joins the batch of the current burst, written with
     * its deliveries by a task on {@code loop} (the thread's event loop) once the pass ends.
     * Returns what the acknowledgement waits for (the burst's write, as durable as the sync mode
     * says; it may fail, and then nothing of the burst was stored), or null when the route wrote
     * nothing.
     */
    public CompletionStage<Void> commit(Scope scope, Executor loop) {
        scope.open = false;
        if (!scope.wrote) {
            return null;
        }
        scope.wrote = false;
        if (scope.done == null) {
            scope.done = new CompletableFuture<>();
            scope.loop = loop;
            loop.execute(scope.commitTask);
        } else if (scope.loop != loop) {
            // Several executors on one thread (EmbeddedChannel tests): each burst belongs to one.
            CompletableFuture<Void> stage = scope.done;
            scope.commitBurst();
            return stage;
        }
        return scope.done;
    }

    /**
     * Ends {@code scope} without writing (the route failed). Its changes cannot be told from those
     * of the burst's earlier routes, so the whole burst is dropped: their acknowledgements fail
     * and their publishers resend (nothing of it was acknowledged).
     */
    public void abandon(Scope scope) {
        scope.open = false;
        if (!scope.wrote) {
            return;
        }
        scope.wrote = false;
        StoreBatch b = scope.batch;
        CompletableFuture<Void> d = scope.done;
        scope.batch = null;
        scope.done = null;
        scope.loop = null;
        scope.afterWrite.clear();
        if (b != null) {
            b.close();
        }
        if (d != null) {
            d.completeExceptionally(new IllegalStateException("a message routed in the same write failed"));
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
        // The burst's writes first: this thread's changes reach the log in the order it made them.
        s.commitBurst();
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

    /**
     * Writes this thread's pending burst now, with its deliveries, unless a route is running:
     * before the registry lock is taken for a write, so that those deliveries (which may take a
     * moving session's locks) never run under it.
     */
    void writePendingBurst() {
        if (store == null) {
            return;
        }
        Scope s = scopes.get();
        if (!s.open) {
            s.commitBurst();
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
