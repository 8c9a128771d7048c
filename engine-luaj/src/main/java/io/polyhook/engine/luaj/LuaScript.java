package io.polyhook.engine.luaj;

import io.polyhook.core.hook.HookIndex;
import io.polyhook.core.script.PooledScript;
import io.polyhook.core.script.ScriptCallException;
import io.polyhook.core.script.ScriptEnvironment;
import io.polyhook.core.script.ScriptLoadException;
import io.polyhook.core.script.ScriptSource;
import io.polyhook.core.script.StatePool;
import io.polyhook.engine.luaj.lua53.Lua53SyntaxError;
import io.polyhook.core.script.model.HookResults;
import io.polyhook.spi.Hook;
import io.polyhook.spi.HookContext;
import io.polyhook.spi.Hooks;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loaded Lua script: its state pool and one handler per hook it declares ({@link PooledScript}
 * does the pooling; this class loads the file and makes the calls in Lua).
 *
 * <p>Loading follows vmq_diversity: state 1 runs the file; its globals {@code num_states},
 * {@code keep_state} and {@code hooks} are read; states 2..N run the file again, each with its
 * own {@code __SCRIPT_INSTANCE_ID__}. The file is compiled once for all states.
 */
final class LuaScript extends PooledScript<LuaState, LuaTable> {

    private static final Logger LOG = LoggerFactory.getLogger(LuaScript.class);
    // LuaJ's compiler and LuaJ's runtime report positions as "name:12: msg" and "name:12 msg".
    private static final Pattern POSITION = Pattern.compile("^(.*?):(\\d+):? (.*)$", Pattern.DOTALL);

    private LuaScript(String name, StatePool<LuaState> pool, boolean keepState, List<Hook<?>> hooks) {
        super(name, pool, keepState, hooks);
    }

    static LuaScript load(ScriptSource source, ScriptEnvironment environment, LuaSettings settings)
            throws ScriptLoadException {
        String text = source.text();
        String display = source.displayName();
        // The state wait is the hook deadline (the broker passes the longest one it has).
        Duration callLimit = environment.stateWait();
        LuaState first = new LuaState(1, source, settings, environment.providers(), callLimit);
        Prototype file;
        try {
            file = LuaSandbox.compile(first.globalsForCompile(), text, "@" + display);
        } catch (LuaError e) {
            throw loadFailure(source, e.getMessage(), e);
        } catch (IOException e) {
            throw new ScriptLoadException(source.path(), "cannot be compiled: " + e, e);
        }
        run(source, first, file);
        boolean keepState = keepState(source, first, settings);
        int states = numStates(source, first, keepState, environment.defaultStates());
        List<Hook<?>> hooks = declaredHooks(source, first);
        List<LuaState> all = new ArrayList<>(states);
        all.add(first);
        for (int id = 2; id <= states; id++) {
            LuaState state = new LuaState(id, source, settings, environment.providers(), callLimit);
            run(source, state, file);
            all.add(state);
        }
        for (LuaState state : all) {
            List<Hook<?>> missing = state.bind(hooks);
            if (!missing.isEmpty()) {
                throw new ScriptLoadException(source.path(), "state " + state.id() + " declares no function for "
                        + missing.stream().map(Hook::name).toList() + " although state 1 does");
            }
            if (!keepState) {
                state.isolateCalls();
            }
        }
        StatePool<LuaState> pool = new StatePool<>(display, "Lua state", all, environment.stateWait());
        return new LuaScript(display, pool, keepState, hooks);
    }

    @Override
    public void close() {
        // Nothing to release: LuaJ states are plain heap objects, collected with this script.
    }

    @Override
    protected LuaTable arguments(Hook<?> hook, HookContext context) {
        return LuaArguments.of(hook, context);
    }

    @Override
    protected Object callChain(LuaState state, Hook<?> hook, HookContext context, LuaTable arguments)
            throws ScriptCallException {
        try {
            return state.call(hook, arguments, LuaScript::model);
        } catch (LuaError | SandboxViolation | StackOverflowError e) {
            throw failure(hook, context, e);
        }
    }

    @Override
    protected void callNotification(LuaState state, Hook<?> hook, HookContext context, LuaTable arguments)
            throws ScriptCallException {
        try {
            state.call(hook, arguments, (returned, budget) -> null);
        } catch (LuaError | SandboxViolation | StackOverflowError e) {
            throw failure(hook, context, e);
        }
    }

    /** What a hook function returned, as model values: one, or {@link HookResults#values} of several. */
    private static Object model(Varargs returned, LuaBudget budget) {
        Object first = LuaValues.toModel(returned.arg1(), budget);
        List<Object> rest = LuaValues.rest(returned, budget);
        return rest.isEmpty() ? first : HookResults.values(first, rest);
    }

    /** The error of a call as {@code file:line: message}, with the client's password blotted out. */
    private ScriptCallException failure(Hook<?> hook, HookContext context, Throwable e) {
        String message;
        if (e instanceof StackOverflowError) {
            message = name() + ": stack overflow in " + hook.name();
        } else if (e instanceof ScriptError se && !POSITION.matcher(String.valueOf(se.getMessage())).matches()) {
            String what = se.getMessageObject().type() == LuaValue.TSTRING ? se.getMessage()
                    : "(error object is a " + se.getMessageObject().typename() + " value)";
            message = (se.where() != null ? se.where() : name()) + ": " + what;
        } else {
            String m = String.valueOf(e.getMessage());
            message = POSITION.matcher(m).matches() ? m : name() + ": " + m;
        }
        return ScriptCallException.of(message, context);
    }

    private static void run(ScriptSource source, LuaState state, Prototype file) throws ScriptLoadException {
        try {
            state.run(file);
        } catch (LuaError e) {
            String m = e instanceof ScriptError se && se.where() != null && !POSITION.matcher(String.valueOf(e.getMessage())).matches()
                    ? se.where() + ": " + e.getMessage() : String.valueOf(e.getMessage());
            throw loadFailure(source, m, e);
        } catch (SandboxViolation e) {
            throw loadFailure(source, e.getMessage(), null);
        } catch (StackOverflowError e) {
            throw new ScriptLoadException(source.path(), "stack overflow while running the file");
        }
    }

    /** A load failure from a LuaJ message; the line is taken when the message is about the file itself. */
    private static ScriptLoadException loadFailure(ScriptSource source, String message, Throwable cause) {
        String display = source.displayName();
        if (cause instanceof Lua53SyntaxError syntax && syntax.chunk().equals(display)) {
            return new ScriptLoadException(source.path(), syntax.line(), syntax.column(), syntax.reason(), cause);
        }
        String m = message == null ? "error" : message;
        Matcher matcher = POSITION.matcher(m);
        if (matcher.matches() && matcher.group(1).equals(display)) {
            return new ScriptLoadException(source.path(), Integer.parseInt(matcher.group(2)), matcher.group(3), cause);
        }
        return new ScriptLoadException(source.path(), m, cause);
    }

    private static boolean keepState(ScriptSource source, LuaState state, LuaSettings settings) throws ScriptLoadException {
        LuaValue v = state.global("keep_state");
        if (v.isnil()) {
            return settings.keepState();
        }
        if (!v.isboolean()) {
            throw new ScriptLoadException(source.path(), "keep_state must be true or false, was " + v.tojstring());
        }
        return v.toboolean();
    }

    private static int numStates(ScriptSource source, LuaState state, boolean keepState, int defaultStates)
            throws ScriptLoadException {
        LuaValue v = state.global("num_states");
        if (v.isnil()) {
            return keepState ? 1 : defaultStates;
        }
        if (!v.isnumber() || v.todouble() != Math.rint(v.todouble()) || v.todouble() < 1 || v.todouble() > MAX_STATES) {
            throw new ScriptLoadException(source.path(), "num_states must be an integer from 1 to " + MAX_STATES
                    + ", was " + v.tojstring());
        }
        return v.toint();
    }

    private static List<Hook<?>> declaredHooks(ScriptSource source, LuaState state) throws ScriptLoadException {
        LuaValue table = state.global("hooks");
        if (table.isnil()) {
            LOG.warn("script {} declares no hooks table; it will never be called", source.displayName());
            return List.of();
        }
        if (!table.istable()) {
            throw new ScriptLoadException(source.path(), "hooks must be a table of hook name = function, was a "
                    + table.typename());
        }
        List<Hook<?>> hooks = new ArrayList<>();
        for (LuaValue key : ((LuaTable) table).keys()) {
            LuaValue value = table.rawget(key);
            Hook<?> hook = key.isstring() ? Hooks.byName(key.tojstring()).orElse(null) : null;
            if (hook == null) {
                LOG.warn("script {}: hooks.{} is not a hook point; ignored", source.displayName(), key.tojstring());
            } else if (!value.isfunction()) {
                LOG.debug("script {}: hooks.{} is a {}, not a function; ignored", source.displayName(), key.tojstring(),
                        value.typename());
            } else {
                hooks.add(hook);
            }
        }
        hooks.sort(Comparator.comparingInt(HookIndex::of));
        return hooks;
    }
}
