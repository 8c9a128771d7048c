package io.polyhook.broker.connection;

import io.netty.channel.ChannelHandler;
import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.config.ListenerConfig;
import io.polyhook.broker.routing.Router;
import io.polyhook.broker.session.SessionRegistry;
import io.polyhook.broker.sys.BrokerStats;
import io.polyhook.core.hook.Ticker;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.netty.util.concurrent.EventExecutor;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Makes the protocol handler of each accepted connection, and holds what every connection
 * shares: the settings, the hook dispatcher, the session registry, the router, the statistics and
 * the clock.
 */
@Singleton
public final class Connections {

    final BrokerSettings settings;
    final HookDispatcher dispatcher;
    final SessionRegistry sessions;
    final Router router;
    final BrokerStats stats;
    final Ticker clock;
    // How answers from other threads (hook chains) come back to a connection's event loop: the
    // loop itself; tests of embedded channels relay them to the test thread (EmbeddedCore).
    final Function<EventExecutor, Executor> handBack;
    // Which event loop serves how many connections: a connection moves only to a loop below its fair share.
    final LoopPlacement placement = new LoopPlacement();

    /** Connections of a broker, on the system clock. */
    @Inject
    public Connections(BrokerSettings settings, HookDispatcher dispatcher, SessionRegistry sessions, BrokerStats stats) {
        this(settings, dispatcher, sessions, stats, Ticker.system());
    }

    /**
     * Connections whose time comes from {@code clock} ({@link System#nanoTime()}'s origin in
     * production, as {@link io.polyhook.broker.routing.Message#receivedNanos()} needs; tests pass
     * the mock ticker of their channels' event loop, so that timers and clock readings agree).
     */
    public Connections(BrokerSettings settings, HookDispatcher dispatcher, SessionRegistry sessions, BrokerStats stats,
                       Ticker clock) {
        this(settings, dispatcher, sessions, stats, clock, loop -> loop);
    }

    /**
     * As above, with the answers of hook chains handed back to a connection's event loop through
     * {@code handBack}: for {@code EmbeddedChannel}s, whose event loop takes tasks from one thread only.
     */
    Connections(BrokerSettings settings, HookDispatcher dispatcher, SessionRegistry sessions, BrokerStats stats,
                Ticker clock, Function<EventExecutor, Executor> handBack) {
        this.settings = settings;
        this.dispatcher = dispatcher;
        this.sessions = sessions;
        this.router = sessions.router();
        this.stats = stats;
        this.clock = clock;
        this.handBack = handBack;
    }

    /** The session registry the connections attach to. */
    public SessionRegistry sessions() {
        return sessions;
    }

    /**
     * A new protocol handler for one connection of {@code listener}: the last handler of the
     * channel pipeline, after the MQTT codec.
     */
    public ChannelHandler newConnection(ListenerConfig listener) {
        return new ConnectionHandler(this, listener);
    }
}
