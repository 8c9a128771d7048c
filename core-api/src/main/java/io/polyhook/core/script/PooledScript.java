package io.polyhook.core.script;

import io.polyhook.core.hook.HandlerSpec;
import io.polyhook.core.script.model.HookArguments;
import io.polyhook.core.script.model.HookResults;
import io.polyhook.spi.ChainHandler;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.Hook;
import io.polyhook.spi.HookContext;
import io.polyhook.spi.Modifiers;
import io.polyhook.spi.NotificationHandler;
import io.polyhook.spi.NotificationHook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A loaded script whose hook functions run on a {@link StatePool}: what every engine's script
 * does that is not about its language. It builds one handler per declared hook; a call turns
 * the context into the engine's arguments ({@link #arguments}), borrows a state, calls, gives
 * the state back, and only then turns what was returned into a verdict: that
 * needs no interpreter, and an invalid modifier goes up as the dispatcher expects it.
 *
 * <p>The engine supplies the language: {@link #arguments}, {@link #callChain} (and
 * {@link #callNotification} if a notification should skip converting the result), each turning
 * its own script errors into {@link ScriptCallException#of}, and {@link #close()}. The handler
 * path is hot: these are plain method calls, with nothing allocated around them.
 *
 * @param <S> the engine's state (a Lua state, a JavaScript context)
 * @param <A> the engine's form of a call's arguments
 */
public abstract class PooledScript<S, A> implements LoadedScript {

    /** The most states ({@code num_states}) one script may ask for. */
    public static final int MAX_STATES = 1000;

    private final String name;
    private final StatePool<S> pool;
    private final boolean keepState;
    private final List<HandlerSpec> handlers;

    /**
     * @param name      the script's name for messages ({@link ScriptSource#displayName()})
     * @param pool      its states, each of which has run the file and bound {@code hooks}
     * @param keepState whether global changes of a call persist in its state, for {@link #details()}
     * @param hooks     the hook points the script declares a function for
     */
    protected PooledScript(String name, StatePool<S> pool, boolean keepState, List<Hook<?>> hooks) {
        this.name = name;
        this.pool = pool;
        this.keepState = keepState;
        List<HandlerSpec> specs = new ArrayList<>(hooks.size());
        for (Hook<?> hook : hooks) {
            specs.add(hook instanceof ChainHook<?, ?> chain ? chain(chain) : notification((NotificationHook<?>) hook));
        }
        this.handlers = List.copyOf(specs);
    }

    /** The script's name for messages. */
    protected final String name() {
        return name;
    }

    /** Its states. */
    protected final StatePool<S> pool() {
        return pool;
    }

    /**
     * The engine's arguments for a call of {@code hook} with {@code context}: the table of
     * {@link HookArguments}, which an engine builds with {@link HookArguments#write} straight
     * into its own values (or, if it needs a state for that, the context itself, converted in
     * {@link #callChain}). Runs before a state is borrowed, so it must not need one.
     */
    protected abstract A arguments(Hook<?> hook, HookContext context);

    /**
     * Calls the function of a chain hook on {@code state}, which is the caller's alone until this
     * returns.
     *
     * @return what the function returned as a model value, or {@link HookResults#values} of
     *         several; converted here, because the state's values may change once it is given back
     * @throws ScriptCallException for a script error, built with {@link ScriptCallException#of}
     *                             so that it never quotes the password of {@code context}
     */
    protected abstract Object callChain(S state, Hook<?> hook, HookContext context, A arguments)
            throws ScriptCallException;

    /**
     * Calls the function of a notification hook on {@code state}; by default the chain call with
     * its result ignored (so a result that cannot be converted still fails the call).
     *
     * @throws ScriptCallException as {@link #callChain}
     */
    protected void callNotification(S state, Hook<?> hook, HookContext context, A arguments)
            throws ScriptCallException {
        callChain(state, hook, context, arguments);
    }

    @Override
    public final List<HandlerSpec> handlers() {
        return handlers;
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("states", pool.size());
        details.put("keep_state", keepState);
        return details;
    }

    private <C extends HookContext, M extends Modifiers> HandlerSpec chain(ChainHook<C, M> hook) {
        ChainHandler<C, M> handler = context -> {
            A arguments = arguments(hook, context);
            Object returned;
            S state = pool.borrow();
            try {
                returned = callChain(state, hook, context, arguments);
            } finally {
                pool.release(state);
            }
            // Outside the state: the verdict needs no interpreter, and InvalidModifierException goes up as is.
            return HookResults.verdict(hook, returned);
        };
        return HandlerSpec.chain(hook, 0, handler);
    }

    private <C extends HookContext> HandlerSpec notification(NotificationHook<C> hook) {
        NotificationHandler<C> handler = context -> {
            A arguments = arguments(hook, context);
            S state = pool.borrow();
            try {
                callNotification(state, hook, context, arguments);
            } finally {
                pool.release(state);
            }
        };
        return HandlerSpec.notification(hook, 0, handler);
    }
}
