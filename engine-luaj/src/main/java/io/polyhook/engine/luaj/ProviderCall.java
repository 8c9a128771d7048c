package io.polyhook.engine.luaj;

import io.polyhook.core.provider.Arguments;
import io.polyhook.core.provider.ProviderException;
import io.polyhook.core.provider.ProviderFunction;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.ArrayList;
import java.util.List;

/**
 * One provider function as a Lua function: converts the arguments to model values, calls it, and
 * converts the result back. A {@link ProviderException} becomes a Lua error with its message, so
 * {@code pcall} catches it; any other exception is a provider bug, logged here and reported to
 * the script without its message. Both conversions are metered by the state's {@link LuaBudget},
 * and the deadline is checked before the provider runs, as it may block (a long run gives its
 * carrier permit back while it does).
 */
final class ProviderCall extends VarArgFunction {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderCall.class);
    /** The MDC key the log library reads to name its logger after the script. */
    static final String SCRIPT_KEY = "script";

    private final String function;
    private final ProviderFunction target;
    private final String script;
    private final LuaBudget budget;

    /** @param script the calling script's name, which the {@code log} library names its logger after */
    ProviderCall(String function, ProviderFunction target, String script, LuaBudget budget) {
        this.function = function;
        this.target = target;
        this.script = script;
        this.budget = budget;
        this.name = function;
    }

    @Override
    public Varargs invoke(Varargs args) {
        int n = args.narg();
        List<Object> values = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            try {
                values.add(LuaValues.toModel(args.arg(i), budget));
            } catch (LuaError e) {
                throw new LuaError(function + ": bad argument #" + i + " (" + e.getMessage() + ")");
            }
        }
        budget.beforeBlocking();
        Object result;
        MDC.put(SCRIPT_KEY, script);
        try {
            result = target.call(Arguments.of(function, values));
        } catch (ProviderException e) {
            throw new LuaError(e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("{} failed", function, e);
            throw new LuaError(function + ": internal error (see the broker log)");
        } finally {
            MDC.remove(SCRIPT_KEY);
        }
        try {
            return LuaValues.toLua(result, budget);
        } catch (IllegalArgumentException e) {
            LOG.error("{} returned a value scripts cannot see: {}", function, e.getMessage());
            throw new LuaError(function + ": internal error (see the broker log)");
        }
    }
}
