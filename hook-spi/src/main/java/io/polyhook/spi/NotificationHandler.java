package io.polyhook.spi;

/**
 * Handles a {@link NotificationHook}: is told that something happened. The client does not wait
 * for it. Calls for one client come one at a time and in order, on a virtual thread.
 *
 * @param <C> the context type
 * @since 0.1
 */
@FunctionalInterface
public interface NotificationHandler<C extends HookContext> {

    /**
     * Reacts to one event.
     *
     * @param context what happened, immutable
     * @throws Exception to signal a failure, which is isolated and logged
     * @since 0.1
     */
    void handle(C context) throws Exception;
}
