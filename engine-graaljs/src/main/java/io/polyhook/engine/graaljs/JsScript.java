package io.polyhook.engine.graaljs;

import io.polyhook.core.hook.HookIndex;
import io.polyhook.core.script.PooledScript;
import io.polyhook.core.script.ScriptCallException;
import io.polyhook.core.script.ScriptEnvironment;
import io.polyhook.core.script.ScriptLoadException;
import io.polyhook.core.script.ScriptSource;
import io.polyhook.core.script.StatePool;
import io.polyhook.spi.Hook;
import io.polyhook.spi.HookContext;
import io.polyhook.spi.Hooks;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.SourceSection;
import org.graalvm.polyglot.Value;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A loaded JavaScript script: its context pool and one handler per hook it declares
 * ({@link PooledScript} does the pooling; this class loads the file and makes the calls in
 * JavaScript).
 *
 * <p>Loading follows vmq_diversity: context 1 runs the file; its globals {@code num_states},
 * {@code keep_state} and {@code hooks} are read; contexts 2..N run the file again, each with its
 * own {@code __SCRIPT_INSTANCE_ID__}. The file is parsed once for all contexts (a cached
 * {@link Source} on the shared engine).
 */
final class JsScript extends PooledScript<JsState, HookContext> {

    private static final Logger LOG = LoggerFactory.getLogger(JsScript.class);
    private static final Pattern STATEMENT_LIMIT = Pattern.compile("Statement count limit of (\\d+) exceeded.*",
            Pattern.DOTALL);

    private JsScript(String name, StatePool<JsState> pool, boolean keepState, List<Hook<?>> hooks) {
        super(name, pool, keepState, hooks);
    }

    static JsScript load(ScriptSource scriptSource, ScriptEnvironment environment, JsSettings settings)
            throws ScriptLoadException {
        String text = scriptSource.text();
        String display = scriptSource.displayName();
        Source file = Source.newBuilder("js", text, display).cached(true).buildLiteral();
        List<JsState> all = new ArrayList<>();
        try {
            JsState first = newState(scriptSource, 1, display, file, settings, environment);
            all.add(first);
            run(scriptSource, first);
            boolean keepState = keepState(scriptSource, first, settings);
            int states = numStates(scriptSource, first, keepState, environment.defaultStates());
            List<Hook<?>> hooks = declaredHooks(scriptSource, first);
            for (int id = 2; id <= states; id++) {
                JsState state = newState(scriptSource, id, display, file, settings, environment);
                all.add(state);
                run(scriptSource, state);
            }
            for (JsState state : all) {
                List<Hook<?>> missing = state.bind(hooks);
                if (!missing.isEmpty()) {
                    throw new ScriptLoadException(scriptSource.path(), "context " + state.id()
                            + " declares no function for " + missing.stream().map(Hook::name).toList()
                            + " although context 1 does");
                }
                if (!keepState) {
                    state.isolateCalls();
                }
            }
            StatePool<JsState> pool = new StatePool<>(display, "JavaScript context", all, environment.stateWait());
            return new JsScript(display, pool, keepState, hooks);
        } catch (ScriptLoadException | RuntimeException | Error e) {
            all.forEach(JsState::close);
            throw e;
        }
    }

    private static JsState newState(ScriptSource source, int id, String display, Source file, JsSettings settings,
                                    ScriptEnvironment environment) throws ScriptLoadException {
        try {
            return new JsState(id, display, file, settings, environment.providers());
        } catch (PolyglotException | IllegalArgumentException | IllegalStateException e) {
            throw new ScriptLoadException(source.path(), "cannot create a JavaScript context: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        pool().all().forEach(JsState::close);
    }

    @Override
    protected HookContext arguments(Hook<?> hook, HookContext context) {
        // The argument object is built inside the context, from the typed context (Invokers).
        return context;
    }

    @Override
    protected Object callChain(JsState state, Hook<?> hook, HookContext context, HookContext arguments)
            throws ScriptCallException {
        try {
            return state.call(hook, arguments);
        } catch (PolyglotException | JsValues.ConversionException | StackOverflowError e) {
            throw failure(state, hook, context, e);
        }
    }

    /** The error of a call as {@code file:line: message}, with the client's password blotted out. */
    private ScriptCallException failure(JsState state, Hook<?> hook, HookContext context, Throwable e) {
        String message;
        if (state.stopped() == Watchdog.Stop.MEMORY && e instanceof PolyglotException pe && pe.isCancelled()) {
            int line = line(pe, name());
            message = name() + (line > 0 ? ":" + line : "") + ": memory limit of " + (state.memoryCap() >> 20)
                    + " MiB per call exceeded";
        } else if (e instanceof StackOverflowError) {
            message = name() + ": stack overflow in " + hook.name();
        } else if (e instanceof PolyglotException pe) {
            int line = line(pe, name());
            message = name() + (line > 0 ? ":" + line : "") + ": " + reason(pe, name());
        } else {
            message = name() + ": " + hook.name() + " returned a value that cannot be used: " + e.getMessage();
        }
        return ScriptCallException.of(message, context);
    }

    private static void run(ScriptSource source, JsState state) throws ScriptLoadException {
        try {
            state.run();
        } catch (PolyglotException e) {
            String display = source.displayName();
            throw new ScriptLoadException(source.path(), line(e, display), reason(e, display), e);
        } catch (StackOverflowError e) {
            throw new ScriptLoadException(source.path(), "stack overflow while running the file");
        }
    }

    /** The 1-based line of the script that the error points at: where it was thrown, else the nearest script frame. */
    static int line(PolyglotException e, String script) {
        SourceSection at = e.getSourceLocation();
        if (at != null && script.equals(at.getSource().getName()) && at.getStartLine() > 0) {
            return at.getStartLine();
        }
        for (PolyglotException.StackFrame frame : e.getPolyglotStackTrace()) {
            SourceSection s = frame.isGuestFrame() ? frame.getSourceLocation() : null;
            if (s != null && script.equals(s.getSource().getName()) && s.getStartLine() > 0) {
                return s.getStartLine();
            }
        }
        return 0;
    }

    /** What went wrong, without GraalJS's own position prefix and source excerpt. */
    static String reason(PolyglotException e, String script) {
        String m = e.getMessage() == null ? "error" : e.getMessage();
        var limit = STATEMENT_LIMIT.matcher(m);
        if (limit.matches()) {
            return "statement limit of " + limit.group(1) + " exceeded (an endless loop?)";
        }
        if (e.isInterrupted()) {
            return "interrupted (the hook missed its deadline)";
        }
        if (e.isSyntaxError()) {
            int nl = m.indexOf('\n');
            String first = nl < 0 ? m : m.substring(0, nl);
            // "name:2:8 Expected an operand but found ="
            if (first.startsWith(script + ":")) {
                first = first.substring(script.length() + 1).replaceFirst("^\\d+(:\\d+)? ", "");
            }
            return "SyntaxError: " + first;
        }
        if (e.isHostException()) {
            return "internal error: " + e.asHostException().getClass().getSimpleName();
        }
        return m;
    }

    private static boolean keepState(ScriptSource source, JsState state, JsSettings settings) throws ScriptLoadException {
        Value v = state.global("keep_state");
        if (v == null || v.isNull()) {
            return settings.keepState();
        }
        if (!v.isBoolean()) {
            throw new ScriptLoadException(source.path(), "keep_state must be true or false, was " + v);
        }
        return v.asBoolean();
    }

    private static int numStates(ScriptSource source, JsState state, boolean keepState, int defaultStates)
            throws ScriptLoadException {
        Value v = state.global("num_states");
        if (v == null || v.isNull()) {
            return keepState ? 1 : defaultStates;
        }
        if (!v.isNumber() || !v.fitsInInt() || v.asInt() < 1 || v.asInt() > MAX_STATES) {
            throw new ScriptLoadException(source.path(), "num_states must be an integer from 1 to " + MAX_STATES
                    + ", was " + v);
        }
        return v.asInt();
    }

    private static List<Hook<?>> declaredHooks(ScriptSource source, JsState state) throws ScriptLoadException {
        Value table = state.global("hooks");
        if (table == null || table.isNull()) {
            LOG.warn("script {} declares no hooks object; it will never be called", source.displayName());
            return List.of();
        }
        if (!table.hasMembers() || table.canExecute() || table.hasArrayElements()) {
            throw new ScriptLoadException(source.path(), "hooks must be an object of hook name: function, was " + table);
        }
        List<Hook<?>> hooks = new ArrayList<>();
        for (String key : table.getMemberKeys()) {
            Value value = table.getMember(key);
            Hook<?> hook = Hooks.byName(key).orElse(null);
            if (hook == null) {
                LOG.warn("script {}: hooks.{} is not a hook point; ignored", source.displayName(), key);
            } else if (!value.canExecute()) {
                LOG.debug("script {}: hooks.{} is not a function; ignored", source.displayName(), key);
            } else {
                hooks.add(hook);
            }
        }
        hooks.sort(Comparator.comparingInt(HookIndex::of));
        return hooks;
    }
}
