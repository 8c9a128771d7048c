package io.polyhook.broker.connection;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.MockTicker;
import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.config.ListenerConfig;
import io.polyhook.broker.routing.RetainedStore;
import io.polyhook.broker.routing.Router;
import io.polyhook.broker.routing.SubscriptionTree;
import io.polyhook.broker.session.SessionRegistry;
import io.polyhook.broker.sys.BrokerStats;
import io.polyhook.core.hook.Ticker;
import io.polyhook.core.hook.internal.DispatchSettings;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.core.hook.internal.HookRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The broker's core without its transport, for tests: router, sessions and connections over
 * {@link EmbeddedChannel}s whose packets are objects. With a {@link MockTicker}, every channel's
 * event loop and the connections' clock share its time, which the test moves.
 *
 * <p>An embedded event loop takes tasks from the test thread only, but the answers of hook chains
 * come from the hooks' threads: they are relayed through a thread-safe queue, run by
 * {@link EmbeddedChannel#runPendingTasks()} of any of the core's channels, and waited for without
 * sleeping by {@link #awaitHandBack}.
 */
public final class EmbeddedCore implements AutoCloseable {

    public final HookRegistry hooks;
    public final HookDispatcher dispatcher;
    public final SubscriptionTree tree = new SubscriptionTree();
    public final RetainedStore retained = new RetainedStore();
    public final BrokerStats stats = new BrokerStats();
    public final Router router;
    public final SessionRegistry sessions;
    public final Connections connections;
    private final MockTicker ticker;
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final BlockingQueue<Runnable> handedBack = new LinkedBlockingQueue<>();
    private boolean handingBack;

    /** A core with its own hook registry, on the system clock. */
    public EmbeddedCore(BrokerSettings settings) {
        this(settings, new HookRegistry(), null);
    }

    /** A core calling the handlers of {@code hooks}; {@code ticker} null for the system clock. */
    public EmbeddedCore(BrokerSettings settings, HookRegistry hooks, MockTicker ticker) {
        this.hooks = hooks;
        this.ticker = ticker;
        this.dispatcher = new HookDispatcher(hooks, DispatchSettings.defaults());
        this.router = new Router(settings, tree, retained);
        this.sessions = new SessionRegistry(settings, dispatcher, router, stats);
        this.connections = new Connections(settings, dispatcher, sessions, stats,
                ticker == null ? Ticker.system() : ticker::nanoTime, loop -> handedBack::add);
    }

    /** A connection of a TCP listener on 127.0.0.1, closed with the core. */
    public EmbeddedChannel channel() {
        return channel(ListenerConfig.of(ListenerConfig.Kind.TCP, "127.0.0.1", 0));
    }

    /** A connection of {@code listener}, closed with the core. */
    public EmbeddedChannel channel(ListenerConfig listener) {
        EmbeddedChannel.Builder b = EmbeddedChannel.builder().handlers(new DecodedWrites(),
                connections.newConnection(listener));
        if (ticker != null) {
            b.ticker(ticker);
        }
        EmbeddedChannel ch = new CoreChannel(b);
        channels.add(ch);
        return ch;
    }

    /** An MQTT 3.1.1 client connected as {@code clientId}, its CONNACK taken. */
    public EmbeddedChannel connected(String clientId, boolean cleanSession) throws InterruptedException {
        EmbeddedChannel ch = channel();
        ch.writeInbound(MqttMessageBuilders.connect().clientId(clientId).protocolVersion(MqttVersion.MQTT_3_1_1)
                .cleanSession(cleanSession).build());
        outbound(ch, 1).forEach(ReferenceCountUtil::release);
        return ch;
    }

    /** {@code ch} subscribed to {@code filter} at QoS 1, its SUBACK taken. */
    public void subscribed(EmbeddedChannel ch, String filter) throws InterruptedException {
        ch.writeInbound(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_LEAST_ONCE, filter)
                .build());
        outbound(ch, 1).forEach(ReferenceCountUtil::release);
    }

    /**
     * Waits up to {@code timeout} for an answer from a hook's thread and runs it on the test
     * thread (the embedded loops' thread), with those that came meanwhile. False if none came.
     */
    public boolean awaitHandBack(Duration timeout) throws InterruptedException {
        Runnable task = handedBack.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (task == null) {
            return false;
        }
        handingBack = true;
        try {
            task.run();
        } finally {
            handingBack = false;
        }
        runHandedBack();
        return true;
    }

    /**
     * Runs {@code ch}'s tasks until {@code n} outbound packets are there: hooks answer on their own
     * threads, and the test thread waits for each answer to be handed back (at most 15 s for
     * each), without sleeping. Fewer than {@code n} if no answer came in time.
     */
    public List<Object> outbound(EmbeddedChannel ch, int n) throws InterruptedException {
        List<Object> out = new ArrayList<>();
        while (true) {
            ch.runPendingTasks();
            Object o;
            while ((o = ch.readOutbound()) != null) {
                out.add(o);
            }
            if (out.size() >= n || !awaitHandBack(Duration.ofSeconds(15))) {
                return out;
            }
        }
    }

    private void runHandedBack() {
        // Never nested: EmbeddedChannel runs its pending tasks after a flush, so a hand-back that
        // delivers to another channel of the core would otherwise run the next hand-backs inside
        // itself (a verdict applied in the middle of the one before it), which an event loop,
        // running one task at a time, never does.
        if (handingBack) {
            return;
        }
        handingBack = true;
        try {
            Runnable task;
            while ((task = handedBack.poll()) != null) {
                task.run();
            }
        } finally {
            handingBack = false;
        }
    }

    /** A channel of this core: running its tasks runs the answers handed back first. */
    private final class CoreChannel extends EmbeddedChannel {
        CoreChannel(EmbeddedChannel.Builder builder) {
            super(builder);
        }

        @Override
        public void runPendingTasks() {
            runHandedBack();
            super.runPendingTasks();
        }
    }

    @Override
    public void close() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        dispatcher.close();
        sessions.close();
    }
}
