package io.polyhook.core.hook;

import io.polyhook.spi.ChainHandler;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.Hook;
import io.polyhook.spi.HookContext;
import io.polyhook.spi.Modifiers;
import io.polyhook.spi.NotificationHandler;
import io.polyhook.spi.NotificationHook;

import java.util.Objects;

/**
 * One handler to register: a hook point, a priority and the handler itself (a
 * {@link ChainHandler} for a chain hook, a {@link NotificationHandler} for a notification hook).
 * Build it with {@link #chain} or {@link #notification} so the types match.
 *
 * @param hook     the hook point
 * @param priority higher runs first among handlers of the same kind of origin
 * @param handler  the handler
 */
public record HandlerSpec(Hook<?> hook, int priority, Object handler) {

    /** Checks the handler fits the hook point. */
    public HandlerSpec {
        Objects.requireNonNull(hook, "hook");
        Objects.requireNonNull(handler, "handler");
        boolean fits = hook instanceof ChainHook<?, ?> ? handler instanceof ChainHandler<?, ?>
                : handler instanceof NotificationHandler<?>;
        if (!fits) {
            throw new IllegalArgumentException("handler " + handler.getClass().getName() + " does not fit hook " + hook.name());
        }
    }

    /** A chain handler. */
    public static <C extends HookContext, M extends Modifiers> HandlerSpec chain(ChainHook<C, M> hook, int priority,
                                                                              ChainHandler<C, M> handler) {
        return new HandlerSpec(hook, priority, handler);
    }

    /** A notification handler. */
    public static <C extends HookContext> HandlerSpec notification(NotificationHook<C> hook, int priority,
                                                                   NotificationHandler<C> handler) {
        return new HandlerSpec(hook, priority, handler);
    }
}
