package io.polyhook.core.script;

import io.polyhook.core.hook.HandlerSpec;

import java.util.List;
import java.util.Map;

/**
 * One version of a loaded script, as an engine returns it: the handlers of the hook points the
 * script declares, and the resources (interpreter states) behind them.
 *
 * <p>The broker's script manager calls {@link #close()} once, after the version was replaced or
 * unloaded and its last running call has returned; no handler is called after that. A call the
 * dispatcher abandoned at its deadline (its thread is interrupted) delays the close until it
 * returns, so handlers should honour interrupts and bound runaway code themselves.
 */
public interface LoadedScript extends AutoCloseable {

    /**
     * The handlers, at most one per hook point, built with {@link HandlerSpec#chain} or
     * {@link HandlerSpec#notification}. Their priority is ignored: scripts run in load order.
     * Handlers are called from many threads at once and must be thread-safe.
     */
    List<HandlerSpec> handlers();

    /**
     * Engine details for {@code script show} and the admin API, as plain values: for example
     * {@code states=1, keep_state=false}. Empty by default.
     */
    default Map<String, Object> details() {
        return Map.of();
    }

    /** Releases the states; called once, when no call into this version is running any more. */
    @Override
    void close();
}
