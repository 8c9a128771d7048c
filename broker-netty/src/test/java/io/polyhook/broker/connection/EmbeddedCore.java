package io.polyhook.broker.connection;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.config.ListenerConfig;
import io.polyhook.broker.routing.RetainedStore;
import io.polyhook.broker.routing.Router;
import io.polyhook.broker.routing.SubscriptionTree;
import io.polyhook.broker.session.SessionRegistry;
import io.polyhook.broker.sys.BrokerStats;
import io.polyhook.core.hook.DispatchSettings;
import io.polyhook.core.hook.HookDispatcher;
import io.polyhook.core.hook.HookRegistry;
import io.polyhook.core.hook.Ticker;

import java.util.ArrayList;
import java.util.List;

/**
 * The broker's core without its transport, for tests: router, sessions and connections over
 * {@link EmbeddedChannel}s whose packets are objects. With a {@link MockTicker}, every channel's
 * event loop and the connections' clock share its time, which the test moves.
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
                ticker == null ? Ticker.system() : ticker::nanoTime);
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
        EmbeddedChannel ch = b.build();
        channels.add(ch);
        return ch;
    }

    @Override
    public void close() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        dispatcher.close();
        sessions.close();
    }
}
