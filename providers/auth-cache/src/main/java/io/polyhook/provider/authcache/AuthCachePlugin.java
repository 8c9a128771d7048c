package io.polyhook.provider.authcache;

import io.polyhook.core.hook.ChainShortcut;
import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.core.hook.HookInstaller;
import io.polyhook.spi.ClientContext;
import io.polyhook.spi.HookContext;
import io.polyhook.spi.HookRegistrar;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Modifiers;
import io.polyhook.spi.NotificationHook;
import io.polyhook.spi.Registration;
import io.polyhook.spi.Verdict;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Puts an {@link AuthCache} in front of the hook handlers, as vmq_diversity does:
 *
 * <ul>
 *   <li>{@link io.polyhook.core.hook.ChainShortcut shortcuts} on {@code auth_on_publish[_m5]},
 *       {@code auth_on_subscribe[_m5]} and {@code on_unsubscribe[_m5]} answer on the caller's
 *       thread, without running any handler, for every client that has an entry; clients
 *       without one go to the handlers as usual;</li>
 *   <li>notification handlers on {@code on_client_offline}, {@code on_client_gone} and
 *       {@code on_session_expired} {@linkplain AuthCache#clear clear} the client's oldest entry
 *       before any script is told (plugin handlers run first in a client's lane, and these have
 *       the highest priority).</li>
 * </ul>
 *
 * <p>Not an {@link io.polyhook.spi.Plugin}: shortcuts are installed on the {@link HookInstaller}
 * itself, which a plugin's registrar does not reach. The broker installs it once at start:
 *
 * <pre>{@code
 * Registration cacheHooks = new AuthCachePlugin(cache).install(registry);
 * }</pre>
 */
public final class AuthCachePlugin {

    /** Whom statistics and logs name for the cache's answers: plugin {@code auth_cache}. */
    public static final HandlerOrigin ORIGIN = HandlerOrigin.plugin(AuthCacheProviderFactory.NAME);

    /** The priority of the clearing handlers: before every other plugin's. */
    public static final int PRIORITY = Integer.MAX_VALUE;

    private static final List<NotificationHook<ClientContext>> CLEARING_HOOKS =
            List.of(Hooks.ON_CLIENT_OFFLINE, Hooks.ON_CLIENT_GONE, Hooks.ON_SESSION_EXPIRED);

    private final AuthCache cache;

    /** Hooks that answer from {@code cache}. */
    public AuthCachePlugin(AuthCache cache) {
        this.cache = Objects.requireNonNull(cache, "cache");
    }

    /**
     * Installs the six shortcuts and the three clearing handlers into {@code registry}. Closing
     * the returned registration removes them all.
     *
     * @throws IllegalStateException if one of the six hooks already has a shortcut; nothing is
     *     left installed then
     */
    public Registration install(HookInstaller registry) {
        List<Registration> installed = new ArrayList<>();
        Registration all = () -> installed.reversed().forEach(Registration::close);
        try {
            installed.add(registry.shortcut(ORIGIN, Hooks.AUTH_ON_PUBLISH, answering(cache::matchPublish)));
            installed.add(registry.shortcut(ORIGIN, Hooks.AUTH_ON_PUBLISH_M5, answering(cache::matchPublish)));
            installed.add(registry.shortcut(ORIGIN, Hooks.AUTH_ON_SUBSCRIBE, answering(cache::matchSubscribe)));
            installed.add(registry.shortcut(ORIGIN, Hooks.AUTH_ON_SUBSCRIBE_M5, answering(cache::matchSubscribe)));
            installed.add(registry.shortcut(ORIGIN, Hooks.ON_UNSUBSCRIBE, answering(cache::matchUnsubscribe)));
            installed.add(registry.shortcut(ORIGIN, Hooks.ON_UNSUBSCRIBE_M5, answering(cache::matchUnsubscribe)));
            HookRegistrar registrar = registry.registrar(ORIGIN, PRIORITY);
            for (NotificationHook<ClientContext> hook : CLEARING_HOOKS) {
                installed.add(registrar.register(hook, PRIORITY, context -> cache.clear(context.subscriberId())));
            }
        } catch (RuntimeException e) {
            all.close();
            throw e;
        }
        return all;
    }

    /** A shortcut of the cache that says it has nothing to answer while the cache is empty. */
    private <C extends HookContext, M extends Modifiers> ChainShortcut<C, M> answering(Function<C, Verdict<M>> match) {
        return new ChainShortcut<>() {
            @Override
            public Verdict<M> answer(C context) {
                return match.apply(context);
            }

            @Override
            public boolean mayAnswer() {
                return !cache.isEmpty();
            }
        };
    }
}
