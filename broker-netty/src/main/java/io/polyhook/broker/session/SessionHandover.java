package io.polyhook.broker.session;

import io.polyhook.broker.routing.DeliveryTarget;
import io.polyhook.broker.routing.Message;
import io.polyhook.spi.SubscriberId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * Sessions moving between this node and another one: {@link #surrender} gives one up (the
 * {@link Surrender} serves it to the new owner and keeps this node's copy until the new owner
 * committed it), {@link #adopt} takes one in (the {@link Adoption} writes it here before the
 * client is answered). After a session left, its subscriptions stay here for
 * {@link #FORWARD_SECONDS} with a forwarder as their target, so that what other nodes still route
 * here reaches the new owner.
 */
public final class SessionHandover {

    private static final Logger LOG = LoggerFactory.getLogger(SessionHandover.class);
    /** How long a node forwards what reaches it for a session that left: far above route propagation. */
    static final long FORWARD_SECONDS = 30;
    /**
     * How long a session that moved here checks its deliveries for repeats: the previous owner's
     * forwarding time, and the time its forwarded copies may spend on the way after it.
     */
    static final long REPEAT_SECONDS = 4 * FORWARD_SECONDS;

    private final SessionRegistry registry;
    // Sessions that left, by identity: their forwarder while their subscriptions stay in the tree.
    private final Map<SubscriberId, Forwarding> forwarding = new ConcurrentHashMap<>();
    // Sessions being written here, by identity: messages forwarded to them meanwhile wait in them.
    private final Map<SubscriberId, Adoption> adopting = new ConcurrentHashMap<>();
    // Sessions this node asked another node for, until their adoption starts: what that node forwards to them
    // meanwhile waits here (it may seal the session, and forward, before its answer has reached this node).
    private final Map<SubscriberId, List<Message>> expected = new ConcurrentHashMap<>();

    private record Forwarding(DeliveryTarget target, List<String> filters) {
    }

    SessionHandover(SessionRegistry registry) {
        this.registry = registry;
    }

    /**
     * Gives the session of {@code id} up to another node that claimed it: closes its connection
     * (MQTT 5 reason 0x8E), waits until that connection has given back what it held, and takes
     * the session out of this node's registry. Returns it for the new owner to read unless
     * {@code discard} (a clean start there: it is dropped now) or it is not persistent; empty
     * when there is no session here. What reaches this node for it once its queue has been read
     * goes to {@code forwarder}.
     */
    public CompletionStage<Optional<Surrender>> surrender(SubscriberId id, boolean discard, MovedTarget forwarder) {
        Session session;
        ClientConnection previous;
        synchronized (registry) {
            session = registry.lookup(id);
            if (session == null) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            previous = session.takeOver();
            session.handingOver(previous != null, !discard);
        }
        if (previous != null) {
            previous.takenOver();
        }
        // A connection that never reports back (its event loop gone) does not hold the new owner forever.
        return session.handedOver().completeOnTimeout(null, 10, TimeUnit.SECONDS).thenApply(v -> {
            synchronized (registry) {
                if (registry.lookup(id) != session) {
                    return Optional.<Surrender>empty();
                }
                if (discard || !session.isPersistent()) {
                    registry.remove(session);
                    return Optional.<Surrender>empty();
                }
                registry.unregister(session);
                Handover head = session.handover();
                boolean stored = session.durability() == Session.Durability.STORE;
                Surrender surrender = new Surrender(this, session, head, forwarder,
                        stored ? registry.durable().store() : null);
                if (stored) {
                    session.surrender(surrender);
                }
                return Optional.of(surrender);
            }
        });
    }

    /**
     * Where what reaches the session of {@code id} waits while this node hands it to {@code node}
     * on its own: bounded as that session's offline queue, and drawing on the broker's queued bytes
     * ({@code heapBytes}: what one entry holds).
     */
    public <T> HandoverHold<T> hold(SubscriberId id, String node, ToLongFunction<T> heapBytes) {
        return registry.offlineQueueing().hold(id, registry.lookup(id), node,
                new OfflineQueue<>(registry.queuedBytes(), heapBytes));
    }

    /** The queue of {@code session} has been read: what reaches this node for it goes to {@code forwarder}. */
    void seal(Session session, DeliveryTarget forwarder) {
        registry.router().addTarget(session.id, forwarder);
    }

    /** The new owner committed {@code session}: this node's copy goes, its subscriptions forward a while. */
    void committed(Session session, DeliveryTarget forwarder) {
        synchronized (registry) {
            if (session.durability() == Session.Durability.STORE) {
                session.durability(Session.Durability.MEMORY);
                registry.durable().removeSession(session.id);
            }
            List<String> filters = List.copyOf(session.subscriptions.keySet());
            session.discard();
            if (registry.lookup(session.id) != null) {
                // The client came back here meanwhile: its new session owns the identity's subscriptions.
                return;
            }
            forwarding.put(session.id, new Forwarding(forwarder, filters));
        }
        registry.schedule("end of forwarding", () -> endForwarding(session.id, forwarder), FORWARD_SECONDS,
                TimeUnit.SECONDS);
    }

    /**
     * The new owner did not take {@code session}: with {@code keep} it is this node's again, as it
     * was (offline, with {@code heapQueue} back in its queue); else another node owns the client
     * id and this copy is dropped.
     */
    void abandoned(Session session, Handover head, List<Message> heapQueue, DeliveryTarget forwarder, boolean keep) {
        synchronized (registry) {
            registry.router().removeTarget(session.id, forwarder);
            if (!keep || registry.lookup(session.id) != null) {
                LOG.warn("session {} did not move and another node owns it now: this node's copy is dropped",
                        session.id);
                registry.dropUnregistered(session);
                return;
            }
            session.keepInFlight(head.inflight());
            session.keepInboundQos2(head.inboundQos2());
            // The move's mark off and the queue back in one step, ahead of what came since the give-up.
            session.restoreQueued(heapQueue);
            session.handingOver(false, false);
            registry.reinstate(session);
        }
    }

    /** The subscriptions of a session that left stop forwarding (unless the identity has a session here again). */
    private void endForwarding(SubscriberId id, DeliveryTarget forwarder) {
        synchronized (registry) {
            Forwarding f = forwarding.get(id);
            if (f == null || f.target() != forwarder) {
                return;
            }
            endForwarding(id);
        }
    }

    /**
     * Ends the forwarding of {@code id} at once: a new session of that identity is made here.
     * Caller holds the registry lock.
     */
    void endForwarding(SubscriberId id) {
        Forwarding f = forwarding.remove(id);
        if (f == null) {
            return;
        }
        registry.router().removeTarget(id, f.target());
        for (String filter : f.filters()) {
            registry.router().tree().unsubscribe(id.mountpoint(), id, filter);
        }
    }

    /**
     * This node asks another one for the session of {@code id}: what is forwarded to it from now
     * on waits for its {@link #adopt}, or goes with {@link #notComing}.
     */
    public void expect(SubscriberId id) {
        expected.putIfAbsent(id, new ArrayList<>());
    }

    /** The session this node asked for with {@link #expect} does not come: what was forwarded to it goes. */
    public void notComing(SubscriberId id) {
        List<Message> early = expected.remove(id);
        if (early != null && !early.isEmpty()) {
            LOG.debug("{} messages forwarded to {} dropped: its session did not come", early.size(), id);
        }
    }

    /**
     * Starts writing here a session another node gives up ({@code head}; its queue follows in
     * pages, {@link Adoption#append}). A local session of that identity with no connection is
     * replaced; one with a connection is kept and the adoption refused (it comes too late). Its
     * deliveries go through {@code repeats} for a while once it is installed.
     *
     * @throws IllegalStateException if the identity is connected here
     */
    public Adoption adopt(Handover head, RepeatCheck repeats) {
        synchronized (registry) {
            Session existing = registry.lookup(head.id());
            if (existing != null) {
                if (existing.connection() != null) {
                    notComing(head.id());
                    throw new IllegalStateException("session " + head.id().clientId() + " is connected here");
                }
                registry.remove(existing);
            }
            endForwarding(head.id());
            Adoption adoption = new Adoption(this, registry, head, repeats);
            // Atomic with forwarded(): a message finds the expectation, or the adoption it went into.
            expected.compute(head.id(), (id, early) -> {
                if (early != null) {
                    early.forEach(adoption::hold);
                }
                adopting.put(id, adoption);
                return null;
            });
            return adoption;
        }
    }

    /** The adoption of {@code id} ended (installed or failed). */
    void adopted(SubscriberId id, Adoption adoption) {
        adopting.remove(id, adoption);
    }

    /**
     * A message another node forwarded to session {@code id}, which moved here: into the session
     * (after its queue if it is still being written here). Whether a session took it.
     */
    public boolean forwarded(SubscriberId id, Message message) {
        boolean[] early = {false};
        expected.computeIfPresent(id, (k, held) -> {
            if (held.size() < Adoption.MAX_HELD) {
                held.add(message);
            }
            early[0] = true;
            return held;
        });
        if (early[0]) {
            return true;
        }
        Adoption adoption = adopting.get(id);
        if (adoption != null && adoption.hold(message)) {
            return true;
        }
        Session session = registry.lookup(id);
        if (session == null) {
            LOG.debug("message forwarded to {} dropped: no session here", id);
            return false;
        }
        session.deliver(message);
        return true;
    }
}
