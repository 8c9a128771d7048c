package io.polyhook.spi;

/**
 * Handles a {@link NotificationHook}: is told that something happened. The client does not wait
 * for it. Calls for one client come one at a time and in order, on a virtual thread.
 *
 * @param <C> the context type
 */
@FunctionalInterface
public interface NotificationHandler<C extends HookContext> {

    /**
     * Reacts to one event.
     *
     * @param context what happened, immutable
     * @throws Exception to signal a failure, which is isolated and logged
     */
    void handle(C context) throws Exception;
}
