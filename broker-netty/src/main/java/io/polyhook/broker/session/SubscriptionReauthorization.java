package io.polyhook.broker.session;

import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.hookbridge.ProtocolHooks;
import io.polyhook.broker.hookbridge.ReasonCodes;
import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.core.hook.internal.ClientLane;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.SubscribeContext;
import io.polyhook.spi.SubscribeModifiers;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.TopicSubscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Re-runs {@code auth_on_subscribe[_m5]} for every stored subscription of a session, one filter
 * at a time with empty properties, and keeps, rewrites or removes each by the verdict (vmq_api
 * {@code reauthorize_subscriptions}; also what an auth-cache change triggers). The chains run on
 * the client's lane, after whatever it is doing.
 */
final class SubscriptionReauthorization {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionReauthorization.class);

    private final SessionRegistry registry;
    private final BrokerSettings settings;
    private final HookDispatcher dispatcher;

    SubscriptionReauthorization(SessionRegistry registry, BrokerSettings settings, HookDispatcher dispatcher) {
        this.registry = registry;
        this.settings = settings;
        this.dispatcher = dispatcher;
    }

    /**
     * The subscriptions of {@code id}, as {@code username} (empty: the one the client connected
     * with); completes when every verdict has been applied, at once if there is no such session.
     */
    CompletionStage<Void> run(SubscriberId id, Optional<String> username) {
        Session session = registry.lookup(id);
        if (session == null || session.subscriptions.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        MqttVersion version = session.version();
        ChainHook<SubscribeContext, SubscribeModifiers> hook = ProtocolHooks.of(version).authOnSubscribe();
        Optional<String> user = username.isPresent() ? username : session.username();
        boolean denyAll = !session.maySubscribe() || (!dispatcher.has(hook) && !settings.noMatch().allowsUnhandled());
        if (!denyAll && !dispatcher.has(hook)) {
            return CompletableFuture.completedFuture(null);
        }
        ClientLane lane = session.lane() != null ? session.lane() : dispatcher.newLane(id.clientId());
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (TopicSubscription sub : List.copyOf(session.subscriptions.values())) {
            if (denyAll) {
                registry.unsubscribe(session, sub.filter());
                continue;
            }
            SubscribeContext ctx = new SubscribeContext(version, id.mountpoint(), id.clientId(), user, List.of(sub),
                    io.polyhook.spi.MqttProperties.EMPTY);
            all.add(dispatcher.chain(lane, hook, ctx).thenAccept(outcome -> apply(session, sub, outcome))
                    .toCompletableFuture());
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    /** As {@link #run}, without waiting: a failure is logged. Quick: it only queues the chains. */
    void inBackground(SubscriberId id, Optional<String> username) {
        run(id, username).exceptionally(e -> {
            LOG.warn("re-authorizing the subscriptions of {} failed: {}", id, e.toString());
            return null;
        });
    }

    private void apply(Session session, TopicSubscription sub, ChainOutcome<SubscribeModifiers> outcome) {
        if (ReasonCodes.ofAuthorization(outcome, settings.noMatch()) != null) {
            LOG.debug("subscription {} of {} no longer authorized: removed", sub.filter(), session.id);
            registry.unsubscribe(session, sub.filter());
            return;
        }
        if (outcome instanceof ChainOutcome.Allowed<SubscribeModifiers> ok && ok.modifiers().isPresent()) {
            // A rewrite replaces the filter with what the handler returned (rejected entries: nothing).
            registry.unsubscribe(session, sub.filter());
            for (TopicSubscription t : ok.modifiers().get().topics()) {
                if (!t.isRejected()) {
                    registry.subscribe(session, t);
                }
            }
        }
    }
}
