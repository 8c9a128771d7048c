package io.polyhook.spi;

/**
 * Handles a {@link ChainHook}: looks at the context and answers with a {@link Verdict}.
 *
 * <p>Handlers run on virtual threads, never on a network thread, so they may block (JDBC, HTTP,
 * ...). Calls for one client come one at a time and in order; calls for different clients may
 * run at the same time, so a handler shared by all clients must be thread-safe. Each call has a
 * deadline (default 5 s); a handler that misses it is treated as the configured fallback. A
 * handler that throws is logged and treated as {@code next} for authorization hooks.
 *
 * @param <C> the context type
 * @param <M> the modifier type
 * @since 0.1
 */
@FunctionalInterface
public interface ChainHandler<C extends HookContext, M extends Modifiers> {

    /**
     * Decides about one request.
     *
     * @param context the request, immutable
     * @return ok, deny or next; never {@code null} ({@code null} is treated as next)
     * @throws Exception to signal a failure, which is isolated and logged
     * @since 0.1
     */
    Verdict<M> handle(C context) throws Exception;
}
