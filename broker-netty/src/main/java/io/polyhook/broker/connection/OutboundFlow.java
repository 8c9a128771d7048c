package io.polyhook.broker.connection;

import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.internal.PlatformDependent;
import io.netty.util.internal.ThreadExecutorMap;
import io.polyhook.broker.config.DeliverySettings;
import io.polyhook.broker.hookbridge.HookContexts;
import io.polyhook.broker.routing.DeliveryTarget;
import io.polyhook.broker.routing.Message;
import io.polyhook.broker.session.InFlight;
import io.polyhook.broker.session.OutboundJournal;
import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.spi.DeliverModifiers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The outgoing side of an admitted connection, and its session's delivery target while it is
 * attached: messages from any thread are taken onto the event loop (one task per burst), go
 * through {@code on_deliver[_m5]} if it has handlers, and into the {@link Outbox}. Behind the
 * offline queue's {@link OfflineDrain} while there is one. A subscriber that stays behind is a
 * slow consumer: dropped messages or a disconnect, by {@code broker.slow_consumer_policy}.
 */
final class OutboundFlow implements DeliveryTarget {

    private static final Logger LOG = LoggerFactory.getLogger(OutboundFlow.class);

    /**
     * An online client's queue: publishers pause above the high-water mark; only beyond the bound
     * (a subscriber that stays behind through the pauses) is the oldest message dropped.
     */
    static final int ONLINE_HIGH_WATER = 256;

    // Per event loop: the target loops to wake after the current burst, with the flows that wait there.
    private static final FastThreadLocal<Map<EventExecutor, List<OutboundFlow>>> WAKEUPS = new FastThreadLocal<>() {
        @Override
        protected Map<EventExecutor, List<OutboundFlow>> initialValue() {
            return new IdentityHashMap<>();
        }
    };

    private final Connection c;
    private final Outbox outbox;
    // Deliveries from other threads wait here; this event loop takes them in one task per burst.
    // Grown in chunks of 64: the default first chunk (1,025 slots, 4 KB) was half of an idle client's heap.
    private final Queue<Message> incoming = PlatformDependent.newMpscQueue(64, 1 << 30);
    private final AtomicBoolean incomingScheduled = new AtomicBoolean();
    private final Runnable drainIncoming = () -> drainIncoming(null);
    private final LoopAffinity affinity;
    private OfflineDrain drain;
    // Messages routed while this connection waits for the hand-over of the one it took over go out
    // after that connection's unsent ones, through on_deliver then. Null until a takeover needs it.
    private HandoverWait handover;
    private final int maxOnline;
    private OutboundJournal journal;

    /**
     * @param window        unacknowledged QoS 1/2 messages allowed at once
     * @param maxPacketSize the client's Maximum Packet Size, 0 for none
     * @param maxOnline     messages that may wait before the slow-consumer policy applies
     * @param topicAliases  topic aliases toward the client (MQTT 5), 0 for none
     */
    OutboundFlow(Connection connection, int window, long maxPacketSize, int maxOnline, int topicAliases) {
        this.c = connection;
        this.maxOnline = maxOnline;
        DeliverySettings delivery = connection.services.settings.delivery();
        this.outbox = new Outbox(connection.ctx, connection.isMqtt5(), window, maxPacketSize, maxOnline, ONLINE_HIGH_WATER,
                connection.services.stats, new BehindPolicy(
                        delivery.slowConsumerPolicy() == DeliverySettings.SlowConsumerPolicy.DISCONNECT,
                        delivery.slowConsumerMaxDelay().toNanos(),
                        () -> slowConsumer("stays behind: its outgoing queue is full or too old")),
                new OutboxBudget(connection.services.settings.limits().maxOnlineBytes(),
                        connection.services.sessions.queuedBytes()), connection.services.clock);
        outbox.topicAliases(topicAliases);
        this.affinity = new LoopAffinity(connection);
    }

    /** MQTT 3 {@code retry_interval}: resends what stays unacknowledged, every {@code seconds}. */
    void retryEvery(long seconds) {
        outbox.retryEvery(seconds);
    }

    /**
     * After the CONNACK: first what the previous connection left unacknowledged, then what was
     * queued while offline, in steps.
     */
    void start(List<InFlight> resend, List<Message> queued, OutboundJournal stored, int drainStep, long drainMillis,
               int maxOnline) {
        journal = stored;
        outbox.journal(stored);
        outbox.resend(resend);
        if (!queued.isEmpty() || stored != null) {
            drain = new OfflineDrain(this, queued, drainStep, maxOnline, stored);
            drain.start(drainMillis);
        }
    }

    // ---------------------------------------------------------------- DeliveryTarget (any thread)

    @Override
    public void deliver(Message m) {
        EventExecutor loop = c.ctx.executor();
        if (loop.inEventLoop() && !affinity.moving()) {
            affinity.local();
            deliverOnLoop(m);
            return;
        }
        incoming.offer(m);
        if (!incomingScheduled.compareAndSet(false, true)) {
            return;
        }
        EventExecutor source = ThreadExecutorMap.currentExecutor();
        if (source == null) {
            loop.execute(drainIncoming);
            return;
        }
        // On an event loop: wake the target loop after the current burst, once for all its flows.
        Map<EventExecutor, List<OutboundFlow>> pending = WAKEUPS.get();
        if (pending.isEmpty()) {
            source.execute(OutboundFlow::wakeTargets);
        }
        pending.computeIfAbsent(loop, e -> new ArrayList<>()).add(this);
    }

    @Override
    public boolean congested() {
        return outbox.congested();
    }

    @Override
    public void whenRelieved(Runnable relief) {
        outbox.whenRelieved(relief);
    }

    private static void wakeTargets() {
        Map<EventExecutor, List<OutboundFlow>> pending = WAKEUPS.get();
        EventExecutor source = ThreadExecutorMap.currentExecutor();
        for (Map.Entry<EventExecutor, List<OutboundFlow>> e : pending.entrySet()) {
            List<OutboundFlow> targets = e.getValue();
            e.getKey().execute(() -> {
                for (OutboundFlow target : targets) {
                    target.drainIncoming(source);
                }
            });
        }
        pending.clear();
    }

    /** What arrived from other threads; {@code source} the event loop that sent it, if one did. */
    private void drainIncoming(EventExecutor source) {
        if (!c.ctx.executor().inEventLoop()) {
            // The connection moved to another loop since this task was queued: it drains there.
            c.ctx.executor().execute(drainIncoming);
            return;
        }
        if (affinity.moving()) {
            return; // taken on arrival at the next loop (arrived()); incomingScheduled stays set until then
        }
        incomingScheduled.set(false);
        Message m;
        boolean any = false;
        while ((m = incoming.poll()) != null) {
            deliverOnLoop(m);
            any = true;
        }
        if (any && source != null) {
            affinity.heard(source);
        }
    }

    /** Whether nothing of this flow would come back to the current loop after a move (LoopAffinity). */
    boolean movable() {
        return drain == null && outbox.timersIdle() && !c.services.dispatcher.has(c.hooks.onDeliver());
    }

    /** On the loop the connection moved to: what arrived meanwhile goes out. */
    void arrived() {
        drainIncoming(null);
    }

    // ---------------------------------------------------------------- on the event loop

    /** A message for the client, on the event loop: behind the offline backlog if there is one. */
    void deliverOnLoop(Message m) {
        if (!c.state().isOpen()) {
            handBack(m);
        } else if (handover != null && handover.awaited()) {
            holdForHandover(m);
        } else if (drain != null) {
            drain.behind(m);
        } else {
            deliverNow(m);
        }
    }

    /** Through {@code on_deliver} if it has handlers, then into the outbox. */
    void deliverNow(Message m) {
        var hook = c.hooks.onDeliver();
        if (!c.services.dispatcher.has(hook)) {
            outbox.send(m);
            return;
        }
        // Deliveries do not hold up the client's inbound packets; the lane keeps them in order.
        c.services.dispatcher.chain(c.lane, hook, HookContexts.publish(c.version, c.mountpoint, c.clientId, c.username, m))
                .thenAcceptAsync(outcome -> {
                    Message out = m;
                    if (outcome instanceof ChainOutcome.Allowed<DeliverModifiers> ok && ok.modifiers().isPresent()) {
                        out = HookContexts.applyDeliver(m, ok.modifiers().get());
                        if (journal != null) {
                            // Its place in the stored queue goes with the changed message, which is what is
                            // sent and acknowledged (left on m, the stored one would stay queued and come again).
                            journal.replaced(m, out);
                        }
                    }
                    if (!c.state().isOpen()) {
                        handBack(out);
                        return;
                    }
                    outbox.send(out);
                }, c.services.handBack.apply(c.ctx.executor()));
    }

    /**
     * A message that arrived while the connection is closing. Until the session is given back it
     * still points here, so keep it with the unacknowledged ones (leaving hands them back);
     * afterwards give it to the session, which queues it or passes it to a successor.
     */
    private void handBack(Message m) {
        if (m.qos() == 0) {
            return;
        }
        if (journal != null && journal.inQueue(m)) {
            // Still in the session's stored queue, which its next connection reads: given back to the
            // session it would be queued a second time and delivered twice (a QoS 2 message too).
            return;
        }
        if (c.state() == ConnectionState.CLOSED) {
            c.session.deliver(m);
        } else if (drain != null) {
            drain.keep(m);
        } else {
            outbox.keep(m);
        }
    }

    /**
     * What a taken-over connection left: {@code entries} unacknowledged, resent first with their
     * packet ids; then {@code pending}, which it never sent; then what was routed here meanwhile.
     * All handed back if this connection is closing.
     */
    void resendTakenOver(List<InFlight> entries, List<Message> pending) {
        if (!c.state().isOpen()) {
            entries.stream().filter(f -> !f.released()).forEach(f -> handBack(f.message()));
            pending.forEach(this::handBack);
            return;
        }
        HandoverWait wait = handover();
        boolean waited = wait.awaited();
        Collection<Message> held = wait.arrived();
        outbox.resend(entries);
        if (waited) {
            // What reached the outbox meanwhile (from the offline backlog, or through on_deliver) goes now.
            outbox.pump();
        }
        pending.forEach(this::deliverOnLoop);
        held.forEach(this::deliverOnLoop);
    }

    /** Bounded as the outgoing queue is: beyond {@code maxOnline} messages the oldest is dropped (counted). */
    private void holdForHandover(Message m) {
        Message oldest = handover.hold(m);
        if (oldest != null) {
            c.services.stats.messageDropped();
            outbox.gone(oldest);
        }
    }

    /**
     * This connection took over a live one: what it sends waits for that connection's in-flight
     * messages ({@link #resendTakenOver}), which keep their packet ids and go first. A connection
     * that never hands them over (its event loop stuck) holds this one up for {@code maxWaitMillis}
     * at most; what it hands over later goes out as new messages.
     */
    void awaitHandover(long maxWaitMillis) {
        handover().await(maxWaitMillis, this::handoverOverdue);
    }

    /** The wait for a taken-over connection's hand-over, made at the first takeover (an idle client holds none). */
    private HandoverWait handover() {
        if (handover == null) {
            handover = new HandoverWait(c.ctx, maxOnline);
            outbox.handover(handover);
        }
        return handover;
    }

    private void handoverOverdue() {
        if (c.state().isOpen()) {
            LOG.warn("client {}: the connection it took over did not hand over its in-flight messages in time; sending on",
                    c.clientId);
            resendTakenOver(List.of(), List.of());
        }
    }

    /** A successful PUBACK or PUBREC for the client, flushed with the current burst. */
    void acknowledge(MqttMessageType type, int packetId) {
        outbox.acknowledge(type, packetId);
    }

    /** PUBACK or PUBCOMP from the client: the message is done. */
    void acknowledged(int packetId) {
        outbox.acknowledged(packetId);
    }

    /** PUBREC from the client: PUBREL follows, or, with an error code, the message is done. */
    void received(MqttMessage m) {
        int id = ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
        if (m.variableHeader() instanceof MqttPubReplyMessageVariableHeader r && (r.reasonCode() & 0xFF) >= 0x80) {
            outbox.acknowledged(id);
            return;
        }
        outbox.received(id);
    }

    /** The socket can take more. */
    void writable() {
        outbox.pump();
    }

    Outbox outbox() {
        return outbox;
    }

    Connection connection() {
        return c;
    }

    /** The offline backlog being handed over, or null. */
    OfflineDrain drainInProgress() {
        return drain;
    }

    /** The offline backlog has been handed over. */
    void drained() {
        drain = null;
    }

    /**
     * A subscriber that stays behind under slow_consumer_policy disconnect (or past
     * max_drain_time): MQTT 5 clients get DISCONNECT 0x97 Quota exceeded; the session keeps its
     * QoS 1/2 messages.
     */
    void slowConsumer(String why) {
        if (!c.state().isOpen()) {
            return;
        }
        c.services.stats.slowConsumerDisconnected();
        LOG.info("client {}: disconnecting a slow consumer: {}", c.clientId, why);
        // A client that does not read will not take the DISCONNECT either: the Disconnector closes regardless.
        c.disconnect(io.polyhook.broker.codec.Packets.QUOTA_EXCEEDED, why);
        c.leaveSession();
    }

    // ---------------------------------------------------------------- leaving

    /** The connection is gone: its timers stop. */
    void close() {
        outbox.close();
        if (handover != null) {
            handover.close();
        }
    }

    /** Empties the window, oldest message first, for the session to keep. */
    List<InFlight> takeInFlight() {
        return outbox.takeInFlight();
    }

    /**
     * What never went out, in order: the outbox's queue, then what was left of the offline backlog,
     * then what waited for the hand-over of a connection this one took over.
     */
    List<Message> takeUndelivered() {
        List<Message> out = outbox.takeWaiting();
        if (drain != null) {
            drain.takeRest(out);
            drain = null;
        }
        if (handover != null) {
            handover.takeHeld(out);
        }
        if (journal != null) {
            // What the store still queues stays there for the next connection.
            out.removeIf(journal::inQueue);
            journal.close();
        }
        return out;
    }
}
